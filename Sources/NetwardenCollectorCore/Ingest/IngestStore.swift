import GRDB
import NetwardenCore
import NetwardenWire

/// Writes one decoded batch in one transaction: identity claims checked, records de-duplicated,
/// samples and events inserted, the sites table brought up to date. A throw anywhere rolls the
/// whole batch back, so a refused batch leaves nothing behind.
enum IngestStore {
    struct Outcome: Sendable {
        var accepted = 0
        var duplicates = 0
        var ignored = 0
    }

    static func store(_ batch: IngestBatch, agent: Int64, now: Int64, in db: Database) throws -> Outcome {
        // Every identity the batch speaks for must be unclaimed or this agent's.
        var identities: [WireIdentity] = [batch.header.agent]
        for record in batch.records {
            if let identity = record.identity, !identities.contains(identity) { identities.append(identity) }
        }
        for identity in identities {
            let owner = try Int64.fetchOne(
                db,
                sql: "SELECT agent_id FROM agent_identities WHERE trust = ? AND site = ? AND gateway = ?",
                arguments: [identity.trust, identity.site, identity.gateway]
            )
            if let owner, owner != agent {
                throw CollectorError(
                    .forbidden,
                    "the identity \(identity) belongs to another agent; this token may not send for it"
                )
            }
            if owner == nil {
                try db.execute(
                    sql:
                        "INSERT INTO agent_identities (trust, site, gateway, agent_id, claimed_ms) VALUES (?, ?, ?, ?, ?)",
                    arguments: [identity.trust, identity.site, identity.gateway, agent, now]
                )
            }
        }

        var outcome = Outcome()
        var views = ViewTablesUpdate(now: now)
        // Oldest and newest observation time per identity, for the sites table.
        var seen: [WireIdentity: (oldest: Int64, newest: Int64)] = [:]
        func saw(_ identity: WireIdentity, _ timestamp: Int64) {
            let range = seen[identity] ?? (timestamp, timestamp)
            seen[identity] = (min(range.oldest, timestamp), max(range.newest, timestamp))
        }
        let groupStatement = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO sample_records (agent_id, record_id, ts) VALUES (?, ?, ?)"
        )
        let sampleStatement = try db.cachedStatement(
            sql: """
                INSERT INTO samples (agent_id, record_id, trust, site, gateway, name, labels, value, ts)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        let eventStatement = try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO events (agent_id, event_id, trust, site, gateway, ts, kind, severity,
                    subject, evidence, attributes, received_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        for record in batch.records {
            switch record {
            case .samples(let group):
                try groupStatement.execute(arguments: [agent, group.id, group.timestampMilliseconds])
                guard db.changesCount > 0 else {
                    outcome.duplicates += 1
                    continue
                }
                for sample in group.samples {
                    try sampleStatement.execute(arguments: [
                        agent, group.id, group.identity.trust, group.identity.site, group.identity.gateway,
                        sample.name, json(sample.labels), sample.value, group.timestampMilliseconds,
                    ])
                }
                outcome.accepted += 1
                saw(group.identity, group.timestampMilliseconds)
                views.add(group)
            case .event(let event):
                try eventStatement.execute(arguments: [
                    agent, event.id, event.identity.trust, event.identity.site, event.identity.gateway,
                    event.timestampMilliseconds, event.kind, event.severity, event.subject, event.evidence,
                    json(event.attributes), now,
                ])
                guard db.changesCount > 0 else {
                    outcome.duplicates += 1
                    continue
                }
                outcome.accepted += 1
                saw(event.identity, event.timestampMilliseconds)
                try views.add(event, in: db)
            case .unknown:
                outcome.ignored += 1
            }
        }

        try views.write(db)
        for (identity, range) in seen {
            // A gateway with a clock far ahead must not look "seen in the future" forever.
            try db.execute(
                sql: """
                    INSERT INTO sites (trust, site, gateway, agent_id, first_seen_ms, last_seen_ms, last_contact_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (trust, site, gateway) DO UPDATE SET
                        agent_id = excluded.agent_id,
                        first_seen_ms = MIN(first_seen_ms, excluded.first_seen_ms),
                        last_seen_ms = MAX(last_seen_ms, excluded.last_seen_ms),
                        last_contact_ms = excluded.last_contact_ms
                    """,
                arguments: [
                    identity.trust, identity.site, identity.gateway, agent, min(range.oldest, now),
                    min(range.newest, now),
                    now,
                ]
            )
        }
        // The header's identity is in contact even when its batch held only duplicates.
        if seen[batch.header.agent] == nil {
            try db.execute(
                sql: """
                    UPDATE sites SET last_contact_ms = ?, agent_id = ? WHERE trust = ? AND site = ? AND gateway = ?
                    """,
                arguments: [now, agent, batch.header.agent.trust, batch.header.agent.site, batch.header.agent.gateway]
            )
        }
        return outcome
    }

    /// Labels and attributes as a JSON object, in the order sent.
    static func json(_ pairs: [(name: String, value: String)]) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        for pair in pairs { writer.field(pair.name, pair.value) }
        writer.endObject()
        return writer.output
    }
}
