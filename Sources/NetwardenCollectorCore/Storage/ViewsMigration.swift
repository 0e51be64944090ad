import GRDB

extension CollectorDatabase {
    /// The tables behind the overview, school and coverage views, each kept up to date by ingest
    /// (``ViewTablesUpdate``) so a page for a thousand schools reads a few small rows per school
    /// instead of a day of raw samples or years of evidence events. Backfilled from what v1
    /// already stored, so an upgraded collector shows its history at once.
    static func registerViewsMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("views-1-rollups-filter-checks-late-deliveries") { db in
            try db.execute(
                sql: """
                    -- The newest value of each series of the overview's families (uplinks, ICMP,
                    -- probes, Wi-Fi): a few rows per school instead of a window over its samples.
                    CREATE TABLE latest_values (
                        trust TEXT NOT NULL,
                        site TEXT NOT NULL,
                        gateway TEXT NOT NULL,
                        name TEXT NOT NULL,
                        labels TEXT NOT NULL,
                        value REAL,
                        ts INTEGER NOT NULL,
                        PRIMARY KEY (trust, site, gateway, name, labels)
                    ) WITHOUT ROWID;
                    CREATE INDEX latest_values_ts ON latest_values(ts);
                    -- Hourly sums of the overview's headline families (ICMP loss, ICMP average
                    -- round-trip time, probe success per probe kind): the 24-hour figures.
                    CREATE TABLE hourly_rollups (
                        trust TEXT NOT NULL,
                        site TEXT NOT NULL,
                        gateway TEXT NOT NULL,
                        name TEXT NOT NULL,
                        part TEXT NOT NULL,
                        hour_ms INTEGER NOT NULL,
                        sum REAL NOT NULL,
                        count INTEGER NOT NULL,
                        -- Hour before family: a site's last 24 hours are one contiguous key range.
                        PRIMARY KEY (trust, site, gateway, hour_ms, name, part)
                    ) WITHOUT ROWID;
                    CREATE INDEX hourly_rollups_hour ON hourly_rollups(hour_ms);
                    -- The state of every filter check a gateway ran, from its filter_compliance
                    -- events: the latest result and the latest conclusive (pass/fail) one.
                    CREATE TABLE filter_checks (
                        trust TEXT NOT NULL,
                        site TEXT NOT NULL,
                        gateway TEXT NOT NULL,
                        vantage TEXT NOT NULL,
                        category TEXT NOT NULL,
                        check_kind TEXT NOT NULL,
                        check_name TEXT NOT NULL,
                        expect TEXT NOT NULL,
                        run TEXT NOT NULL,
                        status TEXT NOT NULL,
                        last_ts INTEGER NOT NULL,
                        last_conclusive_ts INTEGER,
                        last_conclusive_status TEXT,
                        PRIMARY KEY (trust, site, gateway, vantage, category, check_kind, check_name)
                    ) WITHOUT ROWID;
                    -- Data that reached us long after it was observed: a backlog the agent's spool
                    -- delivered after an outage of the school's link (or of ours). One row per
                    -- batch and gateway; the school page marks these periods as outages.
                    CREATE TABLE late_deliveries (
                        id INTEGER PRIMARY KEY,
                        trust TEXT NOT NULL,
                        site TEXT NOT NULL,
                        gateway TEXT NOT NULL,
                        from_ms INTEGER NOT NULL,
                        to_ms INTEGER NOT NULL,
                        received_ms INTEGER NOT NULL,
                        records INTEGER NOT NULL
                    );
                    CREATE INDEX late_deliveries_site ON late_deliveries(trust, site, gateway, to_ms);
                    CREATE INDEX late_deliveries_to ON late_deliveries(to_ms);
                    -- The school page's compliance log and recent events by kind, without
                    -- scanning every school's evidence.
                    CREATE INDEX events_site_kind_ts ON events(trust, site, gateway, kind, ts);
                    """
            )
            // Only what the 24-hour figures read (two days, the samples_ts index finds them), so
            // the upgrade does not scan a month of every school's samples.
            try db.execute(
                sql: """
                    INSERT INTO hourly_rollups (trust, site, gateway, name, part, hour_ms, sum, count)
                    SELECT trust, site, gateway, name,
                        CASE name WHEN 'probe_success' THEN COALESCE(json_extract(labels, '$.kind'), '') ELSE '' END,
                        ts / 3600000 * 3600000, SUM(value), COUNT(value)
                    FROM samples
                    WHERE ts >= (CAST(strftime('%s', 'now') AS INTEGER) - 2 * 86400) * 1000 AND value IS NOT NULL
                        AND (name IN ('netwarden_icmp_loss_ratio', 'probe_success')
                        OR (name = 'netwarden_icmp_rtt_seconds' AND json_extract(labels, '$.stat') = 'avg'))
                    GROUP BY 1, 2, 3, 4, 5, 6
                    """
            )
            let families = ViewTablesUpdate.latestFamilies.sorted().map { "'\($0)'" }.joined(separator: ", ")
            // The last day is plenty: older values are past the overview's freshness anyway.
            try db.execute(
                sql: """
                    INSERT INTO latest_values (trust, site, gateway, name, labels, value, ts)
                    SELECT trust, site, gateway, name, labels, value, MAX(ts) FROM samples
                    WHERE name IN (\(families)) AND ts >= (CAST(strftime('%s', 'now') AS INTEGER) - 86400) * 1000
                    GROUP BY trust, site, gateway, name, labels
                    """
            )
            // Each check's newest result, then its newest conclusive one, in SQLite alone: years of
            // evidence records cross into Swift neither row by row nor all at once. The same rules
            // as FilterCheckRecord: a record without check, category or status does not count.
            let checks = """
                SELECT trust, site, gateway, ts,
                    COALESCE(json_extract(attributes, '$.vantage'), '') AS vantage,
                    json_extract(attributes, '$.category') AS category,
                    COALESCE(json_extract(attributes, '$.kind'), '') AS check_kind,
                    json_extract(attributes, '$.check') AS check_name,
                    COALESCE(json_extract(attributes, '$.expect'), '') AS expect,
                    COALESCE(json_extract(attributes, '$.run'), '') AS run,
                    json_extract(attributes, '$.status') AS status
                FROM events WHERE kind = 'filter_compliance'
                """
            let valid = "category != '' AND check_name != '' AND status IS NOT NULL"
            let key = "trust, site, gateway, vantage, category, check_kind, check_name"
            // With one MAX() aggregate, SQLite takes the other columns from the row holding it.
            try db.execute(
                sql: """
                    INSERT INTO filter_checks (\(key), expect, run, status, last_ts)
                    SELECT \(key), expect, run, status, MAX(ts) FROM (\(checks)) WHERE \(valid) GROUP BY \(key)
                    """
            )
            try db.execute(
                sql: """
                    INSERT INTO filter_checks (\(key), expect, run, status, last_ts, last_conclusive_ts,
                        last_conclusive_status)
                    SELECT \(key), expect, run, status, ts, MAX(ts), status FROM (\(checks))
                    WHERE \(valid) AND status IN ('pass', 'fail') GROUP BY \(key)
                    ON CONFLICT (\(key)) DO UPDATE SET
                        last_conclusive_ts = excluded.last_conclusive_ts,
                        last_conclusive_status = excluded.last_conclusive_status
                    """
            )
        }
    }
}
