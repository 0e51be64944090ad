import Foundation
import GRDB
import NetwardenTestSupport
import Testing

/// The evidence page and CSV export against the real binary: records sent as the daemon sends
/// them, one edited afterwards in the collector's database, flagged in both.
@Suite(.timeLimit(.minutes(2)), .enabled(if: collectorBuilt, "netwarden-collector is not built"))
struct EvidenceHTTPTests {
    @Test func aRecordEditedInTheDatabaseIsFlaggedOnThePageAndInTheCSV() async throws {
        let collector = try CollectorUnderTest()
        try await collector.start()
        let token = try await collector.addAgent("oak-gw1")
        let password = try await collector.addUser("central-it")
        let basic = ["-u", "central-it:\(password)"]
        let chain = ComplianceRecords.chain(count: 4, start: TestBatch.nowMilliseconds() - 3_600_000)
        let sent = try await collector.ingest(
            ComplianceRecords.batch(chain.map { ComplianceRecords.event($0) }),
            token: token
        )
        #expect(sent.status == 200)

        let school = "/evidence.csv?trust=oak-trust&site=oak-primary"
        let clean = try await collector.request("GET", school, extra: basic)
        #expect(clean.status == 200)
        #expect(clean.headers["x-netwarden-flagged-records"] == "0")
        #expect(clean.body.components(separatedBy: "\r\n").filter { $0.hasPrefix("\"verified\"") }.count == 4)

        // Someone with access to the database turns c-2's pass into a fail after the fact.
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let queue = try DatabaseQueue(path: collector.databasePath, configuration: configuration)
        try await queue.write { db in
            try db.execute(
                sql: """
                    UPDATE events SET attributes = replace(attributes, '"status":"pass"', '"status":"fail"')
                    WHERE event_id = 'c-2'
                    """
            )
        }

        let csv = try await collector.request("GET", school, extra: basic)
        #expect(csv.status == 200)
        #expect(csv.headers["content-type"]?.hasPrefix("text/csv") == true)
        #expect(csv.headers["content-disposition"]?.contains("attachment; filename=\"evidence-oak-primary-") == true)
        #expect(csv.headers["x-netwarden-flagged-records"] == "1")
        let rows = csv.body.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(rows.count == 5)
        let flagged = rows.filter { $0.hasPrefix("\"TAMPERED\"") }
        #expect(flagged.count == 1)
        #expect(flagged.first?.contains("\"c-2\"") == true)
        #expect(flagged.first?.contains("edited after it was sealed") == true)

        let page = try await collector.request(
            "GET",
            "/evidence?trust=oak-trust&site=oak-primary&gateway=gw1",
            extra: basic
        )
        #expect(page.status == 200)
        #expect(page.body.contains("4 records; <span class=\"status offline\">1 flagged</span>"))
        #expect(page.body.contains(">TAMPERED</span>"))
        #expect(
            page.body.contains("href=\"/evidence.csv?trust=oak-trust&amp;site=oak-primary&amp;gateway=gw1&amp;from=")
        )

        // The school page links to it.
        let site = try await collector.request(
            "GET",
            "/site?trust=oak-trust&site=oak-primary&gateway=gw1",
            extra: basic
        )
        #expect(site.body.contains("href=\"/evidence?trust=oak-trust&amp;site=oak-primary&amp;gateway=gw1\""))
    }

    @Test func badRangesAndMissingCredentialsAreRefused() async throws {
        let collector = try CollectorUnderTest()
        try await collector.start()
        let password = try await collector.addUser("central-it")
        let basic = ["-u", "central-it:\(password)"]
        #expect(try await collector.request("GET", "/evidence.csv?trust=t&site=s").status == 401)
        #expect(try await collector.request("GET", "/evidence?trust=t&site=s").status == 303)
        let badDate = try await collector.request("GET", "/evidence.csv?trust=t&site=s&from=2026-02-30", extra: basic)
        #expect(badDate.status == 400)
        #expect(badDate.body.contains("from=2026-02-30 is not a date YYYY-MM-DD"))
        let reversed = try await collector.request(
            "GET",
            "/evidence?trust=t&site=s&from=2026-03-02&to=2026-03-01",
            extra: basic
        )
        #expect(reversed.status == 400)
        #expect(reversed.body.contains("from=2026-03-02 is after to=2026-03-01"))
        #expect(try await collector.request("GET", "/evidence.csv?site=s", extra: basic).status == 400)
        // A school without records: an empty, well-formed export.
        let empty = try await collector.request("GET", "/evidence.csv?trust=t&site=s", extra: basic)
        #expect(empty.status == 200)
        #expect(empty.body.hasPrefix("\"chain\",\"trust\",\"gateway\",\"time\""))
    }
}
