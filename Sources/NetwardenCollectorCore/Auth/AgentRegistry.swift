import GRDB

/// The agents allowed to send data: each a name and the hash of its bearer token.
public struct AgentRegistry: Sendable {
    /// One agent as `agent list` shows it.
    public struct Agent: Sendable, Equatable {
        public var id: Int64
        public var name: String
        public var createdMilliseconds: Int64
        public var revokedMilliseconds: Int64?
        /// The gateway identities it has sent for (claimed), `trust/site/gateway`.
        public var identities: [String]
    }

    let database: CollectorDatabase

    public init(database: CollectorDatabase) { self.database = database }

    /// Registers `name` and returns its token: the only time the token exists in clear.
    public func add(_ name: String, now: Int64) throws(CollectorError) -> String {
        try EntityName.validate(name, kind: "agent")
        let token = Secrets.newAgentToken()
        try database.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT revoked_ms FROM agents WHERE name = ?", arguments: [name]) {
                let revoked: Int64? = row["revoked_ms"]
                throw CollectorError(
                    .alreadyExists,
                    revoked == nil
                        ? "agent '\(name)' already exists"
                        : "agent '\(name)' already exists (revoked); choose another name"
                )
            }
            try db.execute(
                sql: "INSERT INTO agents (name, token_hash, created_ms) VALUES (?, ?, ?)",
                arguments: [name, Secrets.tokenHash(token), now]
            )
        }
        return token
    }

    public func list() throws(CollectorError) -> [Agent] {
        try database.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, name, created_ms, revoked_ms FROM agents ORDER BY name")
            return try rows.map { row in
                let id: Int64 = row["id"]
                let identities = try String.fetchAll(
                    db,
                    sql: """
                        SELECT trust || '/' || site || '/' || gateway FROM agent_identities
                        WHERE agent_id = ? ORDER BY 1
                        """,
                    arguments: [id]
                )
                return Agent(
                    id: id,
                    name: row["name"],
                    createdMilliseconds: row["created_ms"],
                    revokedMilliseconds: row["revoked_ms"],
                    identities: identities
                )
            }
        }
    }

    /// Revokes the token at once (the next request is 401) and releases the identities it
    /// claimed, so a replacement gateway's new agent can send for the same school.
    public func revoke(_ name: String, now: Int64) throws(CollectorError) {
        try database.write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM agents WHERE name = ?", arguments: [name]) else {
                throw CollectorError(.notFound, "no agent named '\(name)'")
            }
            try db.execute(
                sql: "UPDATE agents SET revoked_ms = COALESCE(revoked_ms, ?) WHERE id = ?",
                arguments: [now, id]
            )
            try db.execute(sql: "DELETE FROM agent_identities WHERE agent_id = ?", arguments: [id])
        }
    }

    /// The live (not revoked) agent holding `token`, or nil.
    public func authenticate(token: String) throws(CollectorError) -> (id: Int64, name: String)? {
        let hash = Secrets.tokenHash(token)
        return try database.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT id, name FROM agents WHERE token_hash = ? AND revoked_ms IS NULL",
                    arguments: [hash]
                )
            else { return nil }
            return (row["id"], row["name"])
        }
    }
}
