import GRDB
import NetwardenWire

extension SiteQueries {
    /// The kind of the event the daemon sends for every filter check run: the compliance log.
    public static let complianceEventKind = "filter_compliance"

    /// The coverage grid and trust-wide lines.
    public func coverage(now: Int64) async throws(CollectorError) -> Coverage {
        try await database.asyncRead { db in
            let gateways = try Row.fetchAll(db, sql: "SELECT trust, site, gateway FROM sites").map { row in
                WireIdentity(trust: row["trust"], site: row["site"], gateway: row["gateway"])
            }
            return Coverage(gateways: gateways, cells: CoverageCell.cells(try Self.filterChecks(nil, db: db)), now: now)
        }
    }

    /// The mean of one family per time bucket (`buckets` of `width` ms from `start`), averaged
    /// in SQLite so a week of samples never crosses into Swift. Raw samples and, past
    /// `[retention] samples_days`, the downsampled aggregates are read together on one snapshot
    /// (the downsampler moves rows between them in one transaction, so nothing counts twice),
    /// each weighted by how many values it holds: nil where the bucket has no
    /// sample, NaN where it has only values the agent could not compute. `stat` keeps only the
    /// series with that `stat` label (the ICMP round-trip family carries min/avg/max/...).
    public func bucketMeans(
        _ identity: WireIdentity,
        name: String,
        stat: String? = nil,
        start: Int64,
        width: Int64,
        buckets: Int
    ) async throws(CollectorError) -> [Double?] {
        try await database.asyncRead { db in
            var means = [Double?](repeating: nil, count: buckets)
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT bucket, SUM(total) / NULLIF(SUM(valued), 0), SUM(observed) FROM (
                        SELECT (ts - ?5) / ?6 AS bucket, SUM(value) AS total, COUNT(value) AS valued,
                            COUNT(*) AS observed
                        FROM samples
                        WHERE trust = ?1 AND site = ?2 AND gateway = ?3 AND name = ?4 AND ts >= ?5 AND ts < ?7
                            AND (?8 IS NULL OR json_extract(labels, '$.stat') = ?8)
                        GROUP BY bucket
                        UNION ALL
                        SELECT (bucket_ms - ?5) / ?6 AS bucket, SUM(sum_value), SUM(value_count), SUM(sample_count)
                        FROM sample_aggregates
                        WHERE trust = ?1 AND site = ?2 AND gateway = ?3 AND name = ?4
                            AND bucket_ms >= ?5 AND bucket_ms < ?7
                            AND (?8 IS NULL OR json_extract(labels, '$.stat') = ?8)
                        GROUP BY bucket
                    )
                    GROUP BY bucket
                    """,
                arguments: [
                    identity.trust, identity.site, identity.gateway, name, start, width,
                    start + width * Int64(buckets), stat,
                ]
            )
            for row in rows {
                let bucket: Int = row[0]
                guard bucket >= 0 && bucket < buckets else { continue }
                let mean: Double? = row[1]
                means[bucket] = mean ?? .nan
            }
            return means
        }
    }

    /// One gateway's late deliveries that overlap `[since, ∞)`, oldest first.
    public func lateDeliveries(_ identity: WireIdentity, since: Int64) async throws(CollectorError) -> [LateDelivery] {
        try await database.asyncRead { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT from_ms, to_ms, received_ms, records FROM late_deliveries
                    WHERE trust = ? AND site = ? AND gateway = ? AND to_ms >= ? ORDER BY from_ms
                    """,
                arguments: [identity.trust, identity.site, identity.gateway, since]
            ).map { row in
                LateDelivery(
                    fromMilliseconds: row["from_ms"],
                    toMilliseconds: row["to_ms"],
                    receivedMilliseconds: row["received_ms"],
                    records: row["records"]
                )
            }
        }
    }

    /// Which of `buckets` time buckets of `width` ms from `start` hold any link sample or probe
    /// result of one gateway (the daemon samples its links every few seconds whatever probes it
    /// runs): a bucket without is a period from which nothing reached us.
    public func presentBuckets(
        _ identity: WireIdentity,
        start: Int64,
        width: Int64,
        buckets: Int
    ) async throws(CollectorError) -> Set<Int> {
        try await database.asyncRead { db in
            // Index only: (trust, site, gateway, name, ts) and the aggregates' key cover it.
            Set(
                try Int.fetchAll(
                    db,
                    sql: """
                        SELECT DISTINCT (ts - ?4) / ?5 FROM samples
                        WHERE trust = ?1 AND site = ?2 AND gateway = ?3
                            AND name IN ('netwarden_link_up', 'probe_success') AND ts >= ?4 AND ts < ?6
                        UNION
                        SELECT DISTINCT (bucket_ms - ?4) / ?5 FROM sample_aggregates
                        WHERE trust = ?1 AND site = ?2 AND gateway = ?3
                            AND name IN ('netwarden_link_up', 'probe_success') AND bucket_ms >= ?4 AND bucket_ms < ?6
                        """,
                    arguments: [
                        identity.trust, identity.site, identity.gateway, start, width, start + width * Int64(buckets),
                    ]
                )
            )
        }
    }

    /// One gateway's newest events of one kind (`kind`), or of every other kind
    /// (`excludingKind`), newest first.
    public func events(
        _ identity: WireIdentity,
        kind: String? = nil,
        excludingKind: String? = nil,
        limit: Int
    ) async throws(CollectorError) -> [StoredEvent] {
        try await database.asyncRead { db in
            var sql = """
                SELECT event_id, ts, kind, severity, subject, evidence, attributes FROM events
                WHERE trust = ? AND site = ? AND gateway = ?
                """
            var arguments: StatementArguments = [identity.trust, identity.site, identity.gateway]
            if let kind {
                sql += " AND kind = ?"
                arguments += [kind]
            }
            if let excludingKind {
                sql += " AND kind != ?"
                arguments += [excludingKind]
            }
            sql += " ORDER BY ts DESC, id DESC LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
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

    /// One gateway's filter check states.
    public func filterChecks(_ identity: WireIdentity) async throws(CollectorError) -> [FilterCheckState] {
        try await database.asyncRead { db in try Self.filterChecks(identity, db: db) }
    }
}
