import GRDB
import NetwardenWire

/// The reads behind the page and the JSON API. Each runs on a read snapshot (WAL), so a page
/// never waits for ingest and never sees half a batch.
public struct SiteQueries: Sendable {
    /// A gateway whose newest data is older than this is offline. The daemon publishes link
    /// samples every few seconds and uploads at least every few seconds, so three minutes of
    /// silence is an outage of the gateway or of its path to us, not a slow batch.
    public static let offlineAfterMilliseconds: Int64 = 180_000
    /// Probe results older than this no longer count as "now".
    public static let probeFreshnessMilliseconds: Int64 = 15 * 60_000

    let database: CollectorDatabase

    public init(database: CollectorDatabase) { self.database = database }

    /// Every known gateway, worst first.
    public func sites(now: Int64) async throws(CollectorError) -> [SiteSummary] {
        try await database.asyncRead { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT s.trust, s.site, s.gateway, a.name AS agent, s.first_seen_ms, s.last_seen_ms,
                        s.last_contact_ms
                    FROM sites s LEFT JOIN agents a ON a.id = s.agent_id
                    """
            )
            return try rows.map { row in try Self.summary(row, now: now, db: db) }.sorted(by: SiteSummary.worseFirst)
        }
    }

    /// One gateway, or nil if it never sent anything.
    public func site(_ identity: WireIdentity, now: Int64) async throws(CollectorError) -> SiteSummary? {
        try await database.asyncRead { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT s.trust, s.site, s.gateway, a.name AS agent, s.first_seen_ms, s.last_seen_ms,
                        s.last_contact_ms
                    FROM sites s LEFT JOIN agents a ON a.id = s.agent_id
                    WHERE s.trust = ? AND s.site = ? AND s.gateway = ?
                    """,
                arguments: [identity.trust, identity.site, identity.gateway]
            ).map { try Self.summary($0, now: now, db: db) }
        }
    }

    /// The newest events of one gateway, newest first.
    public func events(_ identity: WireIdentity, limit: Int) async throws(CollectorError) -> [StoredEvent] {
        try await database.asyncRead { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT event_id, ts, kind, severity, subject, evidence, attributes FROM events
                    WHERE trust = ? AND site = ? AND gateway = ? ORDER BY ts DESC, id DESC LIMIT ?
                    """,
                arguments: [identity.trust, identity.site, identity.gateway, limit]
            ).map { row in
                StoredEvent(
                    id: row["event_id"],
                    timestampMilliseconds: row["ts"],
                    kind: row["kind"],
                    severity: row["severity"],
                    subject: row["subject"],
                    evidence: row["evidence"],
                    attributes: Self.pairs(row["attributes"])
                )
            }
        }
    }

    /// The latest value of every series of one gateway within the last `window` ms.
    public func latestSamples(
        _ identity: WireIdentity,
        now: Int64,
        window: Int64 = 15 * 60_000
    ) async throws(CollectorError) -> [StoredSample] {
        try await database.asyncRead { db in
            // The newest row per (name, labels): a window function over the site's recent rows,
            // which the (trust, site, gateway, name, ts) index serves.
            try Row.fetchAll(
                db,
                sql: """
                    SELECT name, labels, value, ts FROM (
                        SELECT name, labels, value, ts,
                            ROW_NUMBER() OVER (PARTITION BY name, labels ORDER BY ts DESC) AS n
                        FROM samples WHERE trust = ? AND site = ? AND gateway = ? AND ts >= ?
                    ) WHERE n = 1 ORDER BY name, labels
                    """,
                arguments: [identity.trust, identity.site, identity.gateway, now - window]
            ).map { row in
                StoredSample(
                    name: row["name"],
                    labels: Self.pairs(row["labels"]),
                    value: row["value"],
                    timestampMilliseconds: row["ts"]
                )
            }
        }
    }

    /// Every stored value of one family for one gateway since `since`, oldest first (charts).
    ///
    /// Raw samples where they are still held, and past `[retention] samples_days` one value per
    /// downsampled bucket (its mean, at the bucket's start). The downsampler moves rows from one
    /// table to the other in one transaction, so reading both on one snapshot never counts an
    /// observation twice or misses one, whichever side of the boundary it is on.
    public func series(
        _ identity: WireIdentity,
        name: String,
        since: Int64
    ) async throws(CollectorError) -> [StoredSample] {
        try await database.asyncRead { db in
            let key: StatementArguments = [identity.trust, identity.site, identity.gateway, name, since]
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT name, labels, value, ts FROM samples
                    WHERE trust = ? AND site = ? AND gateway = ? AND name = ? AND ts >= ?
                    UNION ALL
                    SELECT name, labels, CASE WHEN value_count > 0 THEN sum_value / value_count END, bucket_ms
                    FROM sample_aggregates
                    WHERE trust = ? AND site = ? AND gateway = ? AND name = ? AND bucket_ms >= ?
                    ORDER BY ts
                    """,
                arguments: key + key
            ).map { row in
                StoredSample(
                    name: row["name"],
                    labels: Self.pairs(row["labels"]),
                    value: row["value"],
                    timestampMilliseconds: row["ts"]
                )
            }
        }
    }

    static func summary(_ row: Row, now: Int64, db: Database) throws -> SiteSummary {
        let identity = WireIdentity(trust: row["trust"], site: row["site"], gateway: row["gateway"])
        let arguments: StatementArguments = [identity.trust, identity.site, identity.gateway]
        let latest = try latestOverviewSamples(identity, now: now, db: db)
        let probes = latest.filter { $0.name == "probe_success" }.map { probe in
            func label(_ name: String) -> String { probe.labels.first { $0.name == name }?.value ?? "" }
            return SiteSummary.ProbeStatus(
                probe: label("probe"),
                kind: label("kind"),
                target: label("target"),
                success: probe.value,
                timestampMilliseconds: probe.timestampMilliseconds
            )
        }.sorted { ($0.kind, $0.probe) < ($1.kind, $1.probe) }
        // Each count an index-only range (the kind-specific ones on (site, kind, ts)), rather than
        // one pass over a day of events in which the compliance records dominate. The total leaves
        // those records out: they are evidence with a log of their own, not news.
        let counts = try Row.fetchOne(
            try db.cachedStatement(
                sql: """
                    SELECT
                        (SELECT COUNT(*) FROM events WHERE trust = ?1 AND site = ?2 AND gateway = ?3 AND ts >= ?4)
                        - (SELECT COUNT(*) FROM events WHERE trust = ?1 AND site = ?2 AND gateway = ?3
                            AND kind = 'filter_compliance' AND ts >= ?4) AS total,
                        (SELECT COUNT(*) FROM events WHERE trust = ?1 AND site = ?2 AND gateway = ?3
                            AND kind = 'filter_leak' AND ts >= ?4) AS leaks,
                        (SELECT COUNT(*) FROM events WHERE trust = ?1 AND site = ?2 AND gateway = ?3
                            AND kind >= 'bypass_' AND kind < 'bypass`' AND ts >= ?4) AS bypass
                    """
            ),
            arguments: arguments + [now - 86_400_000]
        )
        let lastSeen: Int64 = row["last_seen_ms"]
        var summary = SiteSummary(
            identity: identity,
            agent: row["agent"],
            firstSeenMilliseconds: row["first_seen_ms"],
            lastSeenMilliseconds: lastSeen,
            lastContactMilliseconds: row["last_contact_ms"],
            online: now - lastSeen <= offlineAfterMilliseconds,
            probes: probes,
            eventsLast24h: counts?["total"] ?? 0,
            filterLeaksLast24h: counts?["leaks"] ?? 0,
            bypassLast24h: counts?["bypass"] ?? 0
        )
        summary.health = try health(identity, latest: latest, now: now, db: db)
        summary.filter = FilterStatus(cells: CoverageCell.cells(try filterChecks(identity, db: db)))
        return summary
    }

    /// A stored labels/attributes object back into pairs, in stored order.
    static func pairs(_ json: String) -> [(name: String, value: String)] {
        guard case .object(let members)? = try? JSONParser.parse(Array(json.utf8)) else { return [] }
        return members.compactMap { member in member.value.stringValue.map { (member.key, $0) } }
    }
}
