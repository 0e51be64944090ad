import GRDB
import NetwardenCompliance
import NetwardenWire

/// The filter compliance log as the collector holds it (`filter_compliance` events), read back per
/// school and date range with every record's hash chain verified by the daemon's own
/// ``ComplianceChain`` code.
public struct ComplianceEvidence: Sendable {
    public static let eventKind = "filter_compliance"

    let database: CollectorDatabase

    public init(database: CollectorDatabase) { self.database = database }

    /// The gateways of one school that ever sent anything, so an export can cover the school.
    public func gateways(trust: String, site: String) async throws(CollectorError) -> [WireIdentity] {
        try await database.asyncRead { db in
            try String.fetchAll(
                db,
                sql: "SELECT gateway FROM sites WHERE trust = ? AND site = ? ORDER BY gateway",
                arguments: [trust, site]
            ).map { WireIdentity(trust: trust, site: site, gateway: $0) }
        }
    }

    /// Every record of `identities` with `from <= ts < to`, oldest first per gateway, checked.
    public func records(
        _ identities: [WireIdentity],
        from: Int64,
        to: Int64
    ) async throws(CollectorError) -> [ComplianceEvidenceRecord] {
        try await database.asyncRead { db in
            var all: [ComplianceEvidenceRecord] = []
            for identity in identities {
                all += try Self.records(identity, from: from, to: to, db: db)
            }
            return all
        }
    }

    /// A stored event before verification.
    struct Stored {
        var rowID: Int64
        var eventID: String
        var timestamp: Int64
        var received: Int64
        var attributes: [String: String]
    }

    static func records(
        _ identity: WireIdentity,
        from: Int64,
        to: Int64,
        db: Database
    ) throws
        -> [ComplianceEvidenceRecord]
    {
        let who: StatementArguments = [identity.trust, identity.site, identity.gateway]
        let stored = try Row.fetchAll(
            db,
            sql: """
                SELECT id, event_id, ts, received_ms, attributes FROM events
                WHERE trust = ? AND site = ? AND gateway = ? AND kind = ? AND ts >= ? AND ts < ?
                ORDER BY ts, id
                """,
            arguments: who + [eventKind, from, to]
        ).map { row in
            var attributes: [String: String] = [:]
            for pair in SiteQueries.pairs(row["attributes"]) { attributes[pair.name] = pair.value }
            return Stored(
                rowID: row["id"],
                eventID: row["event_id"],
                timestamp: row["ts"],
                received: row["received_ms"],
                attributes: attributes
            )
        }
        // Links inside the range are resolved here; only a link out of the range asks SQLite.
        let hashesInRange = Set(stored.compactMap { $0.attributes["hash"] })
        var followers: [String: Int] = [:]
        for record in stored {
            if let previous = record.attributes["prev"], previous != ComplianceChain.genesis {
                followers[previous, default: 0] += 1
            }
        }
        func heldElsewhere(_ hash: String) throws -> Bool {
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT 1 FROM events WHERE trust = ? AND site = ? AND gateway = ? AND kind = ?
                        AND json_extract(attributes, '$.hash') = ? LIMIT 1
                    """,
                arguments: who + [eventKind, hash]
            ) != nil
        }
        func olderHeld(than record: Stored) throws -> Bool {
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT 1 FROM events WHERE trust = ? AND site = ? AND gateway = ? AND kind = ?
                        AND (ts < ? OR (ts = ? AND id < ?)) LIMIT 1
                    """,
                arguments: who + [eventKind, record.timestamp, record.timestamp, record.rowID]
            ) != nil
        }
        return try stored.map { record in
            let fields = ComplianceChain.fieldNames.map { record.attributes[$0] }
            let previous = record.attributes["prev"]
            let hash = record.attributes["hash"]
            let check: ChainCheck
            if let previous, let hash {
                let sealed = ComplianceChain.seal(
                    Array(zip(ComplianceChain.fieldNames, fields.map { $0 ?? "" })),
                    previous: previous
                )
                if fields.contains(nil) || sealed.hash != hash {
                    check = .tampered
                } else if previous == ComplianceChain.genesis {
                    check = .verified
                } else if followers[previous, default: 0] > 1 {
                    check = .forked
                } else if try hashesInRange.contains(previous) || heldElsewhere(previous) {
                    check = .verified
                } else {
                    check = try olderHeld(than: record) ? .missingLink : .chainStart
                }
            } else {
                check = .unsealed
            }
            return ComplianceEvidenceRecord(
                identity: identity,
                eventID: record.eventID,
                timestampMilliseconds: record.timestamp,
                receivedMilliseconds: record.received,
                fields: fields.map { $0 ?? "" },
                previous: previous,
                hash: hash,
                check: check
            )
        }
    }
}
