import GRDB

/// The alerting tables (migration "v2-alerting"): the notification history and the silences
/// made on the page or through the API.
enum AlertingSchema {
    static func migrate(_ db: Database) throws {
        try db.execute(
            sql: """
                -- One row per delivery attempt (sent or failed) and per alert recorded but not
                -- sent (suppressed: inhibited, silenced, maintenance, late-summary).
                CREATE TABLE notifications (
                    id INTEGER PRIMARY KEY,
                    created_ms INTEGER NOT NULL,
                    outcome TEXT NOT NULL,
                    receiver TEXT NOT NULL,
                    receiver_kind TEXT NOT NULL,
                    destination TEXT NOT NULL,
                    group_key TEXT NOT NULL,
                    status TEXT NOT NULL,
                    trust TEXT NOT NULL,
                    site TEXT NOT NULL,
                    alerts TEXT NOT NULL,
                    attempt INTEGER NOT NULL,
                    result TEXT NOT NULL,
                    reason TEXT NOT NULL
                );
                CREATE INDEX notifications_created ON notifications(created_ms);
                CREATE TABLE silences (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL,
                    trust TEXT NOT NULL,
                    site TEXT,
                    alertname TEXT,
                    starts_ms INTEGER NOT NULL,
                    ends_ms INTEGER NOT NULL,
                    comment TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    created_ms INTEGER NOT NULL,
                    expired_ms INTEGER
                );
                CREATE INDEX silences_ends ON silences(ends_ms);
                """
        )
    }
}
