import Foundation
import GRDB
import NetwardenCollectorCore
import NetwardenCompliance
import NetwardenTestSupport
import NetwardenWire
import Testing

/// The evidence export verifies each stored compliance record with the daemon's chain code:
/// an edited record, a deleted one, an inserted one and an unsealed one are each flagged, and a
/// range that starts mid-chain still verifies. Real SQLite, records edited with SQL.
@Suite(.timeLimit(.minutes(1)))
struct ComplianceEvidenceTests {
    static let start: Int64 = 1_800_000_000_000
    static let who = WireIdentity(trust: "oak-trust", site: "oak-primary", gateway: "gw1")

    struct Store {
        let directory: TemporaryDirectory
        let database: CollectorDatabase
        let ingest: IngestService
        let token: String

        init() throws {
            directory = try TemporaryDirectory(prefix: "nw-evidence")
            database = try CollectorDatabase(path: directory.path + "/c.sqlite")
            token = try AgentRegistry(database: database).add("oak-gw1", now: ComplianceEvidenceTests.start)
            ingest = IngestService(
                database: database,
                settings: IngestSection.defaults,
                wallClock: { ComplianceEvidenceTests.start + 3_600_000 },
                monotonicSeconds: { 0 }
            )
        }

        func send(_ body: String) async {
            let response = await ingest.handle(
                IngestRequest(
                    authorization: "Bearer \(token)",
                    contentType: "application/x-ndjson",
                    contentEncoding: nil,
                    body: Array(body.utf8)
                )
            )
            #expect(response.status == 200, "\(response.message)")
        }

        func execute(_ sql: String) throws {
            try database.write { db in try db.execute(sql: sql) }
        }

        func checks(from: Int64 = 0, to: Int64 = .max) async throws -> [String: ChainCheck] {
            let records = try await ComplianceEvidence(database: database).records(
                [ComplianceEvidenceTests.who],
                from: from,
                to: to
            )
            return Dictionary(uniqueKeysWithValues: records.map { ($0.eventID, $0.check) })
        }
    }

    @Test func anUntouchedChainVerifiesAndTheCSVCarriesTheSealedValues() async throws {
        let store = try Store()
        let chain = ComplianceRecords.chain(count: 6, start: Self.start)
        await store.send(ComplianceRecords.batch(chain.map { ComplianceRecords.event($0) }))
        let records = try await ComplianceEvidence(database: store.database).records([Self.who], from: 0, to: .max)
        #expect(records.map(\.eventID) == chain.map(\.id))
        #expect(records.allSatisfy { $0.check == .verified })
        #expect(records[2].field("status") == "fail")

        // The CSV row holds each sealed value unchanged, so the hash can be recomputed from it.
        let csv = EvidenceCSV.render(records)
        let lines = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 7)
        #expect(lines[0].hasPrefix("\"chain\",\"trust\",\"gateway\",\"time\",\"run\""))
        #expect(lines[1].hasPrefix("\"verified\",\"oak-trust\",\"gw1\",\"2027-01-15T08:00:00Z\""))
        #expect(lines[1].contains(#""NXDOMAIN from 192.0.2.53 | ""quoted"", comma""#))
        #expect(lines[1].contains("\"\(chain[0].hash)\""))

        // A range starting mid-chain: the record before the range is held, so the link holds.
        let later = try await store.checks(from: Self.start + 3 * 60_000)
        #expect(later.keys.sorted() == ["c-4", "c-5", "c-6"])
        #expect(later.values.allSatisfy { $0 == .verified })
    }

    @Test func aRecordEditedInTheDatabaseIsFlaggedAsTampered() async throws {
        let store = try Store()
        let chain = ComplianceRecords.chain(count: 6, start: Self.start)
        await store.send(ComplianceRecords.batch(chain.map { ComplianceRecords.event($0) }))
        // Someone turns the failed check c-3 into a pass.
        try store.execute(
            "UPDATE events SET attributes = replace(attributes, '\"status\":\"fail\"', '\"status\":\"pass\"') WHERE event_id = 'c-3'"
        )
        let checks = try await store.checks()
        #expect(checks["c-3"] == .tampered)
        #expect(["c-1", "c-2", "c-4", "c-5", "c-6"].allSatisfy { checks[$0] == .verified })

        // Re-hashing the edited record to hide it breaks the next record's link instead.
        try store.execute(
            "UPDATE events SET attributes = json_set(attributes, '$.hash', '\(String(repeating: "a", count: 64))') WHERE event_id = 'c-3'"
        )
        let rehashed = try await store.checks()
        #expect(rehashed["c-3"] == .tampered)
        #expect(rehashed["c-4"] == .missingLink)
        let records = try await ComplianceEvidence(database: store.database).records([Self.who], from: 0, to: .max)
        let csv = EvidenceCSV.render(records)
        #expect(csv.contains("\"TAMPERED\",\"oak-trust\",\"gw1\",\"2027-01-15T08:02:00Z\""))
        #expect(csv.contains("\"MISSING-LINK\",\"oak-trust\",\"gw1\",\"2027-01-15T08:03:00Z\""))
    }

    @Test func deletedInsertedAndUnsealedRecordsAreFlagged() async throws {
        let store = try Store()
        let chain = ComplianceRecords.chain(count: 6, start: Self.start)
        await store.send(ComplianceRecords.batch(chain.map { ComplianceRecords.event($0) }))
        try store.execute("DELETE FROM events WHERE event_id = 'c-4'")
        var checks = try await store.checks()
        #expect(checks["c-5"] == .missingLink)
        #expect(checks["c-3"] == .verified && checks["c-6"] == .verified)

        // A record sealed after c-2 by someone else: two records now follow c-2.
        var forged = chain[2]
        forged.id = "forged"
        forged.fields = forged.fields.map { $0.0 == "status" ? ($0.0, "pass") : $0 }
        forged.hash = ComplianceChain.seal(forged.fields, previous: forged.previous).hash
        // An unsealed record: the gateway could not write its local log.
        var unsealed = chain[5]
        unsealed.id = "unsealed"
        unsealed.ts += 60_000
        await store.send(
            ComplianceRecords.batch(
                [ComplianceRecords.event(forged), ComplianceRecords.event(unsealed, sealed: false)],
                batch: 2
            )
        )
        checks = try await store.checks()
        #expect(checks["forged"] == .forked && checks["c-3"] == .forked)
        #expect(checks["unsealed"] == .unsealed)
        #expect(checks["unsealed"]?.isFlagged == true)

        // Retention took the oldest records: the chain now starts at c-3 without a flag.
        let start = try Store()
        await start.send(ComplianceRecords.batch(chain.map { ComplianceRecords.event($0) }))
        try start.execute("DELETE FROM events WHERE event_id IN ('c-1', 'c-2')")
        let pruned = try await start.checks()
        #expect(pruned["c-3"] == .chainStart && pruned["c-3"]?.isFlagged == false)
        #expect(pruned.values.filter { $0 == .verified }.count == 3)
    }

    @Test func datesParseAsUTCDays() throws {
        let day = try #require(UTCDay("2027-01-15"))
        let midnight: Int64 = 1_799_971_200_000
        #expect(day.startMilliseconds == midnight)
        #expect(UTCDay("2024-02-29")?.description == "2024-02-29")
        #expect(UTCDay("2023-02-29") == nil)
        #expect(UTCDay("2027-1-15") == nil)
        #expect(UTCDay("yesterday") == nil)
        #expect(UTCDay(milliseconds: 1_800_000_000_000).description == "2027-01-15")
    }
}
