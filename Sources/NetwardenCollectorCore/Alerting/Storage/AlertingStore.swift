import GRDB

/// The alerting reads and writes: new alert events in arrival order, each school's last
/// contact, the history, and silences made on the page or API.
public struct AlertingStore: Sendable {
    let database: CollectorDatabase

    public init(database: CollectorDatabase) { self.database = database }

    /// Alert events stored after row `cursor`, oldest first, at most `limit`; with the new cursor.
    public func alertEvents(
        after cursor: Int64,
        limit: Int = 1000
    ) async throws(CollectorError) -> (
        [AlertInput], Int64
    ) {
        try await database.asyncRead { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, trust, site, gateway, ts, kind, severity, subject, evidence, attributes, received_ms
                    FROM events WHERE id > ? AND kind IN ('alert_firing', 'alert_resolved') ORDER BY id LIMIT ?
                    """,
                arguments: [cursor, limit]
            )
            var last = cursor
            var inputs: [AlertInput] = []
            for row in rows {
                last = row["id"]
                let input = AlertInput.from(
                    kind: row["kind"],
                    trust: row["trust"],
                    site: row["site"],
                    gateway: row["gateway"],
                    severity: row["severity"],
                    subject: row["subject"],
                    evidence: row["evidence"],
                    attributes: SiteQueries.pairs(row["attributes"]),
                    eventTime: row["ts"],
                    receivedAt: row["received_ms"]
                )
                if let input { inputs.append(input) }
            }
            return (inputs, last)
        }
    }

    /// The newest event row id: where a fresh start begins reading.
    public func latestEventRow() async throws(CollectorError) -> Int64 {
        try await database.asyncRead { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM events") ?? 0 }
    }

    /// The first event row received at or after `milliseconds` (replay starts there).
    public func firstEventRow(receivedSince milliseconds: Int64) async throws(CollectorError) -> Int64 {
        try await database.asyncRead { db in
            try Int64.fetchOne(db, sql: "SELECT MIN(id) FROM events WHERE received_ms >= ?", arguments: [milliseconds])
                ?? Int64.fetchOne(db, sql: "SELECT MAX(id) + 1 FROM events") ?? 1
        }
    }

    /// Each school's newest contact (any of its gateways).
    public func schoolContacts() async throws(CollectorError) -> [(trust: String, site: String, at: Int64)] {
        try await database.asyncRead { db in
            try Row.fetchAll(db, sql: "SELECT trust, site, MAX(last_contact_ms) AS at FROM sites GROUP BY trust, site")
                .map { (trust: $0["trust"], site: $0["site"], at: $0["at"]) }
        }
    }

    public func record(_ entries: [HistoryEntry]) async throws(CollectorError) {
        guard !entries.isEmpty else { return }
        try await database.asyncWrite { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO notifications (created_ms, outcome, receiver, receiver_kind, destination, group_key,
                        status, trust, site, alerts, attempt, result, reason)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            )
            for entry in entries {
                try statement.execute(arguments: [
                    entry.at, entry.outcome, entry.receiver, entry.receiverKind, entry.destination, entry.groupKey,
                    entry.status, entry.trust, entry.site, entry.alerts, entry.attempt, entry.result, entry.reason,
                ])
            }
        }
    }

    /// The newest history rows first; `outcome` filters to one kind.
    public func history(limit: Int, outcome: String? = nil) async throws(CollectorError) -> [HistoryEntry] {
        try await database.asyncRead { db in
            var sql = """
                SELECT created_ms, outcome, receiver, receiver_kind, destination, group_key, status, trust, site,
                    alerts, attempt, result, reason FROM notifications
                """
            var arguments: StatementArguments = []
            if let outcome {
                sql += " WHERE outcome = ?"
                arguments += [outcome]
            }
            sql += " ORDER BY id DESC LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                HistoryEntry(
                    outcome: row["outcome"],
                    at: row["created_ms"],
                    receiver: row["receiver"],
                    receiverKind: row["receiver_kind"],
                    destination: row["destination"],
                    groupKey: row["group_key"],
                    status: row["status"],
                    trust: row["trust"],
                    site: row["site"],
                    alerts: row["alerts"],
                    attempt: row["attempt"],
                    result: row["result"],
                    reason: row["reason"]
                )
            }
        }
    }

    // MARK: silences

    /// Stores a one-off silence or maintenance window; returns its id (`db:N`).
    public func createSilence(_ silence: Silence, now: Int64) async throws(CollectorError) -> String {
        guard case .once(let starts, let ends) = silence.schedule else {
            throw CollectorError(
                .invalidName,
                "only one-off windows can be created here; put recurring ones in the config"
            )
        }
        let id = try await database.asyncWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO silences (kind, trust, site, alertname, starts_ms, ends_ms, comment, created_by, created_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    silence.kind.rawValue, silence.trust, silence.site, silence.alertname, starts, ends,
                    silence.comment, silence.createdBy, now,
                ]
            )
            return db.lastInsertedRowID
        }
        return "db:\(id)"
    }

    /// Ends a stored silence now; false if there is no such live silence.
    public func expireSilence(id: String, now: Int64) async throws(CollectorError) -> Bool {
        guard id.hasPrefix("db:"), let number = Int64(id.dropFirst(3)) else { return false }
        return try await database.asyncWrite { db in
            try db.execute(
                sql:
                    "UPDATE silences SET expired_ms = ?, ends_ms = MIN(ends_ms, ?) WHERE id = ? AND expired_ms IS NULL AND ends_ms > ?",
                arguments: [now, now, number, now]
            )
            return db.changesCount > 0
        }
    }

    /// Stored silences that have not ended by `now`.
    public func liveSilences(now: Int64) async throws(CollectorError) -> [Silence] {
        try await database.asyncRead { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, kind, trust, site, alertname, starts_ms, ends_ms, comment, created_by FROM silences
                    WHERE expired_ms IS NULL AND ends_ms > ? ORDER BY starts_ms, id
                    """,
                arguments: [now]
            ).map { row in
                Silence(
                    id: "db:\(row["id"] as Int64)",
                    kind: Silence.Kind(rawValue: row["kind"]) ?? .silence,
                    trust: row["trust"],
                    site: row["site"],
                    alertname: row["alertname"],
                    schedule: .once(starts: row["starts_ms"], ends: row["ends_ms"]),
                    comment: row["comment"],
                    createdBy: row["created_by"]
                )
            }
        }
    }
}
