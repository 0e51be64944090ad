import GRDB
import NetwardenWire

/// What one ingest batch adds to the view tables (``CollectorDatabase/registerViewsMigration``):
/// gathered while the batch's records are stored and written in the same transaction, so the
/// views never disagree with the raw rows and a refused batch leaves nothing in either.
struct ViewTablesUpdate {
    /// Families summed per hour for the overview's 24-hour figures, and which `part` of their
    /// labels keeps them apart (probe success per probe kind: DNS and HTTP side by side).
    static let rolledUp: Set<String> = ["netwarden_icmp_loss_ratio", "netwarden_icmp_rtt_seconds", "probe_success"]
    static let hour: Int64 = 3_600_000
    /// Families whose newest value per series the overview shows (`latest_values`).
    static let latestFamilies: Set<String> = [
        "probe_success", "netwarden_link_up", "netwarden_default_route_present", "netwarden_icmp_loss_ratio",
        "netwarden_icmp_rtt_seconds", "netwarden_wifi_signal_dbm", "netwarden_wifi_stations",
    ]

    struct SeriesKey: Hashable {
        var identity: WireIdentity
        var name: String
        var labels: String
    }

    struct RollupKey: Hashable {
        var identity: WireIdentity
        var name: String
        var part: String
        var hour: Int64
    }

    let now: Int64
    /// Data observed longer ago than this reached us late: for that long the overview already
    /// showed the gateway offline (``SiteQueries/offlineAfterMilliseconds``).
    let lateAfterMilliseconds: Int64
    private var rollups: [RollupKey: (sum: Double, count: Int)] = [:]
    private var late: [WireIdentity: (from: Int64, to: Int64, records: Int)] = [:]
    private var latest: [SeriesKey: (value: Double?, ts: Int64)] = [:]

    init(now: Int64, lateAfterMilliseconds: Int64 = SiteQueries.offlineAfterMilliseconds) {
        self.now = now
        self.lateAfterMilliseconds = lateAfterMilliseconds
    }

    /// A newly stored sample group.
    mutating func add(_ group: WireSampleGroup) {
        noteArrival(group.identity, group.timestampMilliseconds)
        let hour = group.timestampMilliseconds / Self.hour * Self.hour
        for sample in group.samples where Self.latestFamilies.contains(sample.name) {
            // The labels exactly as `samples` stores them, so both tables name a series alike.
            let key = SeriesKey(identity: group.identity, name: sample.name, labels: IngestStore.json(sample.labels))
            if let current = latest[key], current.ts > group.timestampMilliseconds { continue }
            latest[key] = (sample.value, group.timestampMilliseconds)
        }
        for sample in group.samples where Self.rolledUp.contains(sample.name) {
            guard let value = sample.value, value.isFinite else { continue }
            let part: String
            switch sample.name {
            case "netwarden_icmp_rtt_seconds":
                // min/avg/median/max/stddev share the family; the overview's latency is the average.
                guard sample.labels.contains(where: { $0.name == "stat" && $0.value == "avg" }) else { continue }
                part = ""
            case "probe_success":
                part = sample.labels.first { $0.name == "kind" }?.value ?? ""
            default:
                part = ""
            }
            let key = RollupKey(identity: group.identity, name: sample.name, part: part, hour: hour)
            let current = rollups[key] ?? (0, 0)
            rollups[key] = (current.sum + value, current.count + 1)
        }
    }

    /// A newly stored event; a filter check result also updates `filter_checks` right away.
    mutating func add(_ event: WireEvent, in db: Database) throws {
        noteArrival(event.identity, event.timestampMilliseconds)
        guard event.kind == FilterCheckRecord.eventKind,
            let check = FilterCheckRecord(
                trust: event.identity.trust,
                site: event.identity.site,
                gateway: event.identity.gateway,
                timestampMilliseconds: event.timestampMilliseconds,
                attributes: event.attributes
            )
        else { return }
        try check.upsert(db)
    }

    private mutating func noteArrival(_ identity: WireIdentity, _ timestamp: Int64) {
        guard now - timestamp > lateAfterMilliseconds else { return }
        let current = late[identity] ?? (timestamp, timestamp, 0)
        late[identity] = (min(current.from, timestamp), max(current.to, timestamp), current.records + 1)
    }

    /// Writes the rollups and late deliveries gathered from the batch.
    func write(_ db: Database) throws {
        if !rollups.isEmpty {
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO hourly_rollups (trust, site, gateway, name, part, hour_ms, sum, count)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (trust, site, gateway, hour_ms, name, part) DO UPDATE SET
                        sum = sum + excluded.sum, count = count + excluded.count
                    """
            )
            for (key, total) in rollups {
                try statement.execute(arguments: [
                    key.identity.trust, key.identity.site, key.identity.gateway, key.name, key.part, key.hour,
                    total.sum, total.count,
                ])
            }
        }
        if !latest.isEmpty {
            // A backlog older than what is stored never replaces a newer value.
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO latest_values (trust, site, gateway, name, labels, value, ts) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (trust, site, gateway, name, labels) DO UPDATE SET
                        value = excluded.value, ts = excluded.ts
                    WHERE excluded.ts >= latest_values.ts
                    """
            )
            for (key, newest) in latest {
                try statement.execute(arguments: [
                    key.identity.trust, key.identity.site, key.identity.gateway, key.name, key.labels, newest.value,
                    newest.ts,
                ])
            }
        }
        for (identity, range) in late {
            // A backlog spans many batches (and a gateway whose clock lags sends "late" data
            // all day): a batch overlapping or continuing one of the gateway's late periods
            // extends it, so the table holds periods, not one row per batch.
            try db.execute(
                sql: """
                    UPDATE late_deliveries SET from_ms = MIN(from_ms, ?4), to_ms = MAX(to_ms, ?5), received_ms = ?6,
                        records = records + ?7
                    WHERE id = (
                        SELECT id FROM late_deliveries WHERE trust = ?1 AND site = ?2 AND gateway = ?3
                            AND to_ms >= ?4 - ?8 AND from_ms <= ?5 + ?8
                        ORDER BY to_ms DESC LIMIT 1
                    )
                    """,
                arguments: [
                    identity.trust, identity.site, identity.gateway, range.from, range.to, now, range.records,
                    Self.lateMergeGapMilliseconds,
                ]
            )
            guard db.changesCount == 0 else { continue }
            try db.execute(
                sql: """
                    INSERT INTO late_deliveries (trust, site, gateway, from_ms, to_ms, received_ms, records)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    identity.trust, identity.site, identity.gateway, range.from, range.to, now, range.records,
                ]
            )
        }
    }

    /// Late data within this of the previous late period's end continues it (the daemon
    /// samples its links every few seconds, so a real backlog has no longer holes).
    static let lateMergeGapMilliseconds: Int64 = 5 * 60_000

    /// Retention for the view tables: rollups, late deliveries and latest values go with the
    /// samples they describe. `filter_checks` is one row per check ever run and is kept: a check that stopped
    /// running is exactly what the coverage view must go on showing as untested.
    static func prune(_ db: Database, sampleCutoff: Int64) throws {
        try db.execute(sql: "DELETE FROM hourly_rollups WHERE hour_ms < ?", arguments: [sampleCutoff / hour * hour])
        try db.execute(sql: "DELETE FROM late_deliveries WHERE to_ms < ?", arguments: [sampleCutoff])
        try db.execute(sql: "DELETE FROM latest_values WHERE ts < ?", arguments: [sampleCutoff])
    }
}
