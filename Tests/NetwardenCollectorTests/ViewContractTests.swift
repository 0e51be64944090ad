import NetwardenCompliance
import NetwardenFiltering
import NetwardenTelemetry
import NetwardenWire
import Testing

@testable import NetwardenCollectorCore

/// The views read what the daemon really sends: every family they query is in the daemon's
/// catalogue, and a compliance record built by the daemon's own chain code becomes a filter check.
struct ViewContractTests {
    @Test func everyFamilyTheViewsReadIsOneTheDaemonPublishes() {
        let published = Set(MetricFamily.all.map(\.name))
        let read = ViewTablesUpdate.latestFamilies.union(ViewTablesUpdate.rolledUp)
        #expect(read.subtracting(published).isEmpty, "not in the daemon's catalogue: \(read.subtracting(published))")
        #expect(read.contains(MetricFamily.icmpLossRatio.name) && read.contains(MetricFamily.linkUp.name))
    }

    @Test func aComplianceRecordFromTheDaemonsChainBecomesAFilterCheck() throws {
        let result = FilterCheckResult(
            name: "google",
            kind: .safeSearch,
            category: "safe_search",
            vantage: "students",
            expect: "enforced",
            status: .fail,
            evidence: ["www.google.com answered 142.250.1.1, not forcesafesearch.google.com"]
        )
        // As FilterTestService turns the record into event attributes: every sealed field.
        let attributes = ComplianceChain.record(result, runID: "gw1-1", time: "2025-03-04T10:15:00Z", site: "oak")
            .map { (name: $0.0, value: $0.1) }
        let check = try #require(
            FilterCheckRecord(
                trust: "t",
                site: "oak",
                gateway: "gw1",
                timestampMilliseconds: 1,
                attributes: attributes
            )
        )
        #expect(check.vantage == "students" && check.category == "safe_search" && check.kind == "safe_search")
        #expect(check.check == "google" && check.expect == "enforced" && check.status == "fail" && check.run == "gw1-1")
        #expect(check.isConclusive)
    }
}
