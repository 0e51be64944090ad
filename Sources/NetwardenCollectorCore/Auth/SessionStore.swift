import GRDB

/// Logged-in browser sessions, in the database so a collector restart does not log everyone
/// out. Only the SHA-256 of the cookie value is stored.
public struct SessionStore: Sendable {
    /// A session as a request sees it.
    public struct Session: Sendable, Equatable {
        public var user: String
        /// The token the logout form must carry (defence in depth besides SameSite=Strict).
        public var csrfToken: String
    }

    /// A school day plus an evening: central IT logs in once a day.
    public static let lifetimeMilliseconds: Int64 = 12 * 3_600_000

    let database: CollectorDatabase

    public init(database: CollectorDatabase) { self.database = database }

    /// Creates a session for `user`; returns the cookie value.
    public func create(user: String, now: Int64) throws(CollectorError) -> String {
        let token = Secrets.newSessionToken()
        try database.write { db in
            // Expired sessions go whenever a new one is made: no timer needed.
            try db.execute(sql: "DELETE FROM sessions WHERE expires_ms < ?", arguments: [now])
            try db.execute(
                sql: """
                    INSERT INTO sessions (token_hash, user_name, csrf_token, created_ms, expires_ms)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    Secrets.tokenHash(token), user, Secrets.newSessionToken(), now, now + Self.lifetimeMilliseconds,
                ]
            )
        }
        return token
    }

    public func find(token: String, now: Int64) -> Session? {
        try? database.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT user_name, csrf_token FROM sessions WHERE token_hash = ? AND expires_ms >= ?",
                arguments: [Secrets.tokenHash(token), now]
            ).map { Session(user: $0["user_name"], csrfToken: $0["csrf_token"]) }
        }
    }

    public func delete(token: String) throws(CollectorError) {
        try database.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE token_hash = ?", arguments: [Secrets.tokenHash(token)])
        }
    }
}
