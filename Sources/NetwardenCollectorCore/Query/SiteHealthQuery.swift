import GRDB
import NetwardenWire

extension SiteQueries {
    /// The families the overview reads the latest value of, in one indexed query per gateway.
    static let overviewFamilies = [
        "probe_success", "netwarden_link_up", "netwarden_default_route_present", "netwarden_icmp_loss_ratio",
        "netwarden_icmp_rtt_seconds", "netwarden_wifi_signal_dbm", "netwarden_wifi_stations",
    ]

    /// Each overview series' newest sample within the freshness window.
    static func latestOverviewSamples(
        _ identity: WireIdentity,
        now: Int64,
        db: Database
    ) throws -> [StoredSample] {
        let names = overviewFamilies.map { "'\($0)'" }.joined(separator: ", ")
        // MAX(ts) with bare columns: SQLite returns the other columns from the row holding the
        // maximum, one pass over the (trust, site, gateway, name, ts) index range, no sort.
        return try Row.fetchAll(
            db,
            sql: """
                SELECT name, labels, value, MAX(ts) AS ts FROM samples
                WHERE trust = ? AND site = ? AND gateway = ? AND name IN (\(names)) AND ts >= ?
                GROUP BY name, labels
                """,
            arguments: [identity.trust, identity.site, identity.gateway, now - probeFreshnessMilliseconds]
        ).map { row in
            StoredSample(
                name: row["name"],
                labels: pairs(row["labels"]),
                value: row["value"],
                timestampMilliseconds: row["ts"]
            )
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
            db,
            sql: """
                SELECT name, part, SUM(sum) AS total, SUM(count) AS n FROM hourly_rollups
                WHERE trust = ? AND site = ? AND gateway = ? AND hour_ms >= ? GROUP BY name, part
                """,
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
                    db,
                    sql: columns + " WHERE trust = ? AND site = ? AND gateway = ?",
                    arguments: [identity.trust, identity.site, identity.gateway]
                )
            } else {
                try Row.fetchAll(db, sql: columns)
            }
        return rows.map { row in
            FilterCheckState(
                identity: WireIdentity(trust: row["trust"], site: row["site"], gateway: row["gateway"]),
                vantage: row["vantage"],
                category: row["category"],
                kind: row["check_kind"],
                check: row["check_name"],
                expect: row["expect"],
                run: row["run"],
                status: row["status"],
                lastMilliseconds: row["last_ts"],
                lastConclusiveMilliseconds: row["last_conclusive_ts"],
                lastConclusiveStatus: row["last_conclusive_status"]
            )
        }
    }
}
