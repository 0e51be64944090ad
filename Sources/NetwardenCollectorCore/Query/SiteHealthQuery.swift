import GRDB
import NetwardenWire

extension SiteQueries {
    /// Each overview series' newest sample within the freshness window, from `latest_values`
    /// (kept by ingest): a primary-key range of a few rows per gateway.
    static func latestOverviewSamples(
        _ identity: WireIdentity,
        now: Int64,
        db: Database
    ) throws -> [StoredSample] {
        // Cached statements and columns by position: the overview runs these once per school.
        let statement = try db.cachedStatement(
            sql: """
                SELECT name, labels, value, ts FROM latest_values
                WHERE trust = ? AND site = ? AND gateway = ? AND ts >= ?
                """
        )
        return try Row.fetchAll(
            statement,
            arguments: [identity.trust, identity.site, identity.gateway, now - probeFreshnessMilliseconds]
        ).map { row in
            StoredSample(name: row[0], labels: pairs(row[1]), value: row[2], timestampMilliseconds: row[3])
        }
    }

    /// Health from the latest samples plus the 24-hour rollups.
    static func health(_ identity: WireIdentity, latest: [StoredSample], now: Int64, db: Database) throws -> SiteHealth
    {
        var health = SiteHealth()
        func label(_ sample: StoredSample, _ name: String) -> String? { sample.labels.first { $0.name == name }?.value }
        func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
        var losses: [Double] = []
        var latencies: [Double] = []
        var signals: [Double] = []
        var stations: Int?
        var wifiInterfaces = Set<String>()
        for sample in latest {
            switch sample.name {
            case "netwarden_link_up" where label(sample, "role") == "uplink":
                health.uplinks.append(.init(interface: label(sample, "interface") ?? "", up: sample.value == 1))
            case "netwarden_default_route_present":
                health.defaultRoutePresent = sample.value.map { $0 == 1 }
            case "netwarden_icmp_loss_ratio":
                if let value = sample.value { losses.append(value) }
            case "netwarden_icmp_rtt_seconds" where label(sample, "stat") == "avg":
                if let value = sample.value { latencies.append(value) }
            case "netwarden_wifi_signal_dbm":
                wifiInterfaces.insert(label(sample, "interface") ?? "")
                if let value = sample.value { signals.append(value) }
            case "netwarden_wifi_stations":
                wifiInterfaces.insert(label(sample, "interface") ?? "")
                if let value = sample.value { stations = (stations ?? 0) + Int(value) }
            default:
                break
            }
        }
        health.uplinks.sort { $0.interface < $1.interface }
        health.lossNow = mean(losses)
        health.latencyNowSeconds = mean(latencies)
        if !wifiInterfaces.isEmpty {
            health.wifi = SiteHealth.Wifi(
                interfaces: wifiInterfaces.count,
                weakestSignalDBm: signals.min(),
                stations: stations
            )
        }
        let hour = ViewTablesUpdate.hour
        let rollups = try Row.fetchAll(
            try db.cachedStatement(
                sql: """
                    SELECT name, part, SUM(sum) AS total, SUM(count) AS n FROM hourly_rollups
                    WHERE trust = ? AND site = ? AND gateway = ? AND hour_ms >= ? GROUP BY name, part
                    """
            ),
            // The current hour and the 23 before it.
            arguments: [identity.trust, identity.site, identity.gateway, (now / hour - 23) * hour]
        )
        for row in rollups {
            let count: Int = row["n"]
            guard count > 0 else { continue }
            let value = (row["total"] as Double) / Double(count)
            switch row["name"] as String {
            case "netwarden_icmp_loss_ratio": health.loss24h = value
            case "netwarden_icmp_rtt_seconds": health.latency24hSeconds = value
            case "probe_success": health.success24h[row["part"]] = value
            default: break
            }
        }
        return health
    }

    /// Every `filter_checks` row, of one gateway or (nil) of all.
    static func filterChecks(_ identity: WireIdentity?, db: Database) throws -> [FilterCheckState] {
        let columns = """
            SELECT trust, site, gateway, vantage, category, check_kind, check_name, expect, run, status, last_ts,
                last_conclusive_ts, last_conclusive_status FROM filter_checks
            """
        let rows =
            if let identity {
                try Row.fetchAll(
                    try db.cachedStatement(sql: columns + " WHERE trust = ? AND site = ? AND gateway = ?"),
                    arguments: [identity.trust, identity.site, identity.gateway]
                )
            } else {
                try Row.fetchAll(db, sql: columns)
            }
        return rows.map { row in
            // By position, in the order of `columns`.
            FilterCheckState(
                identity: WireIdentity(trust: row[0], site: row[1], gateway: row[2]),
                vantage: row[3],
                category: row[4],
                kind: row[5],
                check: row[6],
                expect: row[7],
                run: row[8],
                status: row[9],
                lastMilliseconds: row[10],
                lastConclusiveMilliseconds: row[11],
                lastConclusiveStatus: row[12]
            )
        }
    }
}
