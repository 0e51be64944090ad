import NetwardenCollectorCore
import NetwardenWire
import Testing

/// The pure folds behind the views: check states into coverage cells and trust-wide lines, and
/// data presence plus late deliveries into outages with causes.
struct CoverageAndOutageTests {
    static let day: Int64 = 86_400_000
    static let now: Int64 = 1_750_000_000_000

    static func check(
        _ site: String,
        category: String,
        check: String = "c1",
        vantage: String = "students",
        status: String,
        run: String = "r1",
        at: Int64,
        conclusive: Int64? = nil,
        expect: String = "blocked"
    ) -> FilterCheckState {
        FilterCheckState(
            identity: WireIdentity(trust: "t", site: site, gateway: "gw1"),
            vantage: vantage,
            category: category,
            kind: "canary",
            check: check,
            expect: expect,
            run: run,
            status: status,
            lastMilliseconds: at,
            lastConclusiveMilliseconds: conclusive ?? (status == "inconclusive" ? nil : at),
            lastConclusiveStatus: nil
        )
    }

    @Test func aCellShowsItsLatestRunsWorstResultNotARotatedOutCanarysOldFailure() {
        let cells = CoverageCell.cells([
            Self.check("a", category: "gambling", check: "old", status: "fail", run: "r1", at: Self.now - 3 * Self.day),
            Self.check("a", category: "gambling", check: "new1", status: "pass", run: "r2", at: Self.now - 1000),
            Self.check("a", category: "gambling", check: "new2", status: "pass", run: "r2", at: Self.now - 2000),
        ])
        #expect(cells.count == 1)
        #expect(cells.first?.latest == .pass)
        #expect(cells.first?.lastConclusiveMilliseconds == Self.now - 1000)
        #expect(cells.first?.checks == 3)

        let failing = CoverageCell.cells([
            Self.check("a", category: "gambling", check: "x", status: "pass", run: "r2", at: Self.now - 1000),
            Self.check("a", category: "gambling", check: "y", status: "fail", run: "r2", at: Self.now - 2000),
        ])
        #expect(failing.first?.latest == .fail)
    }

    @Test func untestedMeansNoConclusiveResultForSevenDays() {
        let inconclusiveOnly = CoverageCell.cells([
            Self.check("a", category: "malware", status: "inconclusive", at: Self.now - 1000)
        ])
        #expect(inconclusiveOnly.first?.isStale(now: Self.now) == true)
        let eightDays = CoverageCell.cells([
            Self.check("a", category: "malware", status: "pass", at: Self.now - 8 * Self.day)
        ])
        #expect(eightDays.first?.isStale(now: Self.now) == true)
        let sixDays = CoverageCell.cells([
            Self.check("a", category: "malware", status: "pass", at: Self.now - 6 * Self.day)
        ])
        #expect(sixDays.first?.isStale(now: Self.now) == false)
    }

    @Test func trustWideLinesCountSchoolsAndNameThoseThatDiffer() throws {
        let gateways = ["a", "b", "c", "d"].map { WireIdentity(trust: "t", site: $0, gateway: "gw1") }
        let cells = CoverageCell.cells([
            Self.check("a", category: "safe_search", status: "pass", at: Self.now - 1000, expect: "enforced"),
            Self.check("b", category: "safe_search", status: "fail", at: Self.now - 1000, expect: "enforced"),
            Self.check("c", category: "safe_search", status: "pass", at: Self.now - 9 * Self.day, expect: "enforced"),
            // d never ran it.
        ])
        let coverage = Coverage(gateways: gateways, cells: cells, now: Self.now)
        let line = try #require(coverage.lines.first)
        #expect(coverage.lines.count == 1)
        #expect(line.passing == ["a"])
        #expect(line.differing.map { "\($0.site):\($0.reason)" } == ["b:fail", "c:untested", "d:untested"])
        #expect(line.expectation == "enforced")
        #expect(line.total == 4)
    }

    @Test func aSchoolWithTwoGatewaysPassesOnlyWhenBothDo() {
        let gateways = [
            WireIdentity(trust: "t", site: "a", gateway: "gw1"), WireIdentity(trust: "t", site: "a", gateway: "gw2"),
        ]
        let cells = CoverageCell.cells([Self.check("a", category: "gambling", status: "pass", at: Self.now - 1000)])
        let line = Coverage(gateways: gateways, cells: cells, now: Self.now).lines.first
        #expect(line?.passing == [] && line?.differing.map(\.reason) == ["untested"])
    }

    @Test func outagesCarryTheirCause() {
        let width: Int64 = 900_000
        let start = Self.now - 96 * width
        // Data everywhere from bucket 10 except buckets 40...44; buckets 20...24 arrived late.
        let present = Set((10..<96).filter { !(40...44).contains($0) })
        let late = [
            LateDelivery(
                fromMilliseconds: start + 20 * width + 1000,
                toMilliseconds: start + 24 * width + 5000,
                receivedMilliseconds: start + 25 * width,
                records: 40
            )
        ]
        let timeline = OutageTimeline(
            start: start,
            width: width,
            buckets: 96,
            firstBucket: 10,
            present: present,
            late: late,
            now: Self.now
        )
        #expect(timeline.marks[0..<10].allSatisfy { $0 == .none }, "before the first data is not an outage")
        #expect(timeline.marks[20...24].allSatisfy { $0 == .late })
        #expect(timeline.marks[40...44].allSatisfy { $0 == .noData })
        #expect(timeline.outages.count == 2)
        #expect(timeline.outages.first?.cause == .late)
        #expect(timeline.outages.first?.fromMilliseconds == start + 20 * width)
        #expect(timeline.outages.first?.toMilliseconds == start + 25 * width)
        #expect(timeline.outages.first?.deliveredMilliseconds == start + 25 * width)
        #expect(timeline.outages.last?.cause == .noData)
        #expect(timeline.outages.last?.fromMilliseconds == start + 40 * width)
        #expect(timeline.outages.last?.toMilliseconds == start + 45 * width)
    }

    @Test func theCurrentBucketIsNotAnOutageWhileItIsYoung() {
        let width: Int64 = 900_000
        let end = (Self.now / width + 1) * width
        let start = end - 96 * width
        let timeline = OutageTimeline(
            start: start,
            width: width,
            buckets: 96,
            firstBucket: 0,
            present: Set(0..<95),
            late: [],
            now: start + 95 * width + 60_000
        )
        #expect(timeline.outages.isEmpty)
    }
}
