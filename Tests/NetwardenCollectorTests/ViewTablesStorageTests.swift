import Foundation
import GRDB
import NetwardenTestSupport
import NetwardenWire
import Testing

@testable import NetwardenCollectorCore

/// The view tables on real SQLite: an existing v1 database gains them, filled from what it
/// already stored, and retention removes their rows with the samples they describe.
struct ViewTablesStorageTests {
    static let hour: Int64 = 3_600_000

    @Test func upgradingAVersionOneDatabaseBackfillsTheViews() async throws {
        let directory = try TemporaryDirectory(prefix: "nw-views-upgrade")
        let path = directory.path + "/collector.sqlite"
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        // A collector from before the views: only "v1", with a school's data in it.
        do {
            let queue = try DatabaseQueue(path: path)
            try CollectorDatabase.migrator.migrate(queue, upTo: "v1")
            try await queue.write { db in
                try db.execute(
                    sql: "INSERT INTO sites VALUES ('t', 'oak', 'gw1', NULL, ?, ?, ?)",
                    arguments: [now - 2 * Self.hour, now - 1000, now - 1000]
                )
                let insertSample = """
                    INSERT INTO samples (agent_id, record_id, trust, site, gateway, name, labels, value, ts)
                    VALUES (1, ?, 't', 'oak', 'gw1', ?, ?, ?, ?)
                    """
                for (index, loss) in [0.2, 0.0].enumerated() {
                    let ts = now - Int64(1 - index) * 2 * Self.hour + (index == 1 ? -1000 : 0)
                    try db.execute(
                        sql: insertSample,
                        arguments: [
                            "r\(index)", "netwarden_icmp_loss_ratio", #"{"probe":"isp","kind":"icmp"}"#, loss, ts,
                        ]
                    )
                    try db.execute(
                        sql: insertSample,
                        arguments: ["r\(index)", "probe_success", #"{"probe":"resolver","kind":"dns"}"#, 1.0, ts]
                    )
                }
                // A pass, then an inconclusive run: the latest result and the latest proof differ.
                for (id, ts, run, status) in [
                    ("e1", now - Self.hour, "r1", "pass"), ("e2", now - Self.hour / 2, "r2", "inconclusive"),
                    ("e3", now - 3 * Self.hour, "r0", "fail"),
                ] {
                    try db.execute(
                        sql: """
                            INSERT INTO events (agent_id, event_id, trust, site, gateway, ts, kind, severity, subject,
                                evidence, attributes, received_ms)
                            VALUES (1, ?, 't', 'oak', 'gw1', ?, 'filter_compliance', 'info', 's', 'e', ?, ?)
                            """,
                        arguments: [
                            id, ts,
                            #"{"run":"\#(run)","vantage":"students","check":"google","kind":"safe_search","category":"safe_search","expect":"enforced","status":"\#(status)"}"#,
                            now,
                        ]
                    )
                }
                // Evidence without a check name is kept but counts towards no check.
                try db.execute(
                    sql: """
                        INSERT INTO events (agent_id, event_id, trust, site, gateway, ts, kind, severity, subject,
                            evidence, attributes, received_ms)
                        VALUES (1, 'e4', 't', 'oak', 'gw1', ?, 'filter_compliance', 'info', 's', 'e', ?, ?)
                        """,
                    arguments: [now, #"{"category":"gambling","status":"fail"}"#, now]
                )
            }
        }
        let database = try CollectorDatabase(path: path)
        let queries = SiteQueries(database: database)
        let site = try #require(try await queries.site(WireIdentity(trust: "t", site: "oak", gateway: "gw1"), now: now))
        #expect(site.health.loss24h.map { abs($0 - 0.1) < 1e-9 } == true, "\(site.health)")
        #expect(site.health.lossNow == 0)
        #expect(site.health.success24h["dns"] == 1)
        #expect(site.filter.categories.map(\.category) == ["safe_search"])
        #expect(site.filter.categories.first?.latest == .inconclusive)
        #expect(site.filter.categories.first?.lastRunMilliseconds == now - Self.hour / 2)
        #expect(site.filter.categories.first?.lastConclusiveMilliseconds == now - Self.hour)
        let checks = try await queries.filterChecks(WireIdentity(trust: "t", site: "oak", gateway: "gw1"))
        #expect(checks.count == 1)
        #expect(checks.first?.lastConclusiveStatus == "pass" && checks.first?.run == "r2")
        let coverage = try await queries.coverage(now: now)
        #expect(coverage.lines.first?.differing.map(\.reason) == ["inconclusive"])
    }

    @Test func retentionRemovesViewRowsWithTheirSamples() async throws {
        let directory = try TemporaryDirectory(prefix: "nw-views-retention")
        let database = try CollectorDatabase(path: directory.path + "/collector.sqlite")
        let day: Int64 = 86_400_000
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try database.write { db in
            for (label, ts) in [("old", now - 40 * day), ("new", now - 1000)] {
                try db.execute(
                    sql: """
                        INSERT INTO hourly_rollups (trust, site, gateway, name, part, hour_ms, sum, count)
                        VALUES ('t', 'oak', 'gw1', 'netwarden_icmp_loss_ratio', ?, ?, 1, 1)
                        """,
                    arguments: [label, ts / Self.hour * Self.hour]
                )
                try db.execute(
                    sql:
                        "INSERT INTO late_deliveries (trust, site, gateway, from_ms, to_ms, received_ms, records) VALUES ('t', 'oak', 'gw1', ?, ?, ?, 1)",
                    arguments: [ts, ts, now]
                )
                try db.execute(
                    sql: "INSERT INTO latest_values VALUES ('t', 'oak', 'gw1', 'netwarden_link_up', ?, 1, ?)",
                    arguments: [label, ts]
                )
            }
        }
        _ = try await RetentionPruner(database: database, settings: RetentionSection(sampleDays: 35)).prune(now: now)
        let left = try database.read { db in
            [
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM hourly_rollups") ?? -1,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM late_deliveries") ?? -1,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM latest_values") ?? -1,
            ]
        }
        #expect(left == [1, 1, 1])
    }
}
