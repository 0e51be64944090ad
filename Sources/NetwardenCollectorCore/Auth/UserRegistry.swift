import Crypto
import GRDB
import Synchronization

/// The people (and scripts) allowed to read the page and the JSON API.
public final class UserRegistry: Sendable {
    let database: CollectorDatabase
    let hasher: PasswordHasher
    /// Credentials verified recently, by a keyed hash of `name:password` -> expiry: HTTP Basic
    /// sends the password with every request, and a quarter-second PBKDF2 per request would let
    /// one polling script (or an attacker) occupy a core. The key is random per process, so the
    /// cache is no rainbow table even in a core dump.
    private let verified = Mutex<[[UInt8]: ContinuousClock.Instant]>([:])
    private let cacheKey = SymmetricKey(size: .bits256)
    static let cacheLifetime: Duration = .seconds(300)

    public init(database: CollectorDatabase, hasher: PasswordHasher = PasswordHasher()) {
        self.database = database
        self.hasher = hasher
    }

    /// Adds `name` with a generated password and returns it: the only time it exists in clear.
    public func add(_ name: String, now: Int64) throws(CollectorError) -> String {
        try EntityName.validate(name, kind: "user")
        let password = Secrets.newPassword()
        let salt = Secrets.randomBytes(16)
        let hash = try hasher.hash(password, salt: salt)
        try database.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE name = ?", arguments: [name]) != nil {
                throw CollectorError(.alreadyExists, "user '\(name)' already exists")
            }
            try db.execute(
                sql: "INSERT INTO users (name, password_hash, salt, iterations, created_ms) VALUES (?, ?, ?, ?, ?)",
                arguments: [name, Secrets.hex(hash), Secrets.hex(salt), hasher.iterations, now]
            )
        }
        return password
    }

    public func list() throws(CollectorError) -> [(name: String, createdMilliseconds: Int64)] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT name, created_ms FROM users ORDER BY name").map {
                (name: $0["name"], createdMilliseconds: $0["created_ms"])
            }
        }
    }

    /// Removes the user and, through the foreign key, every session they had.
    public func remove(_ name: String) throws(CollectorError) {
        try database.write { db in
            try db.execute(sql: "DELETE FROM users WHERE name = ?", arguments: [name])
            if db.changesCount == 0 { throw CollectorError(.notFound, "no user named '\(name)'") }
        }
        verified.withLock { $0.removeAll() }
    }

    /// Whether `password` is `name`'s.
    public func verify(name: String, password: String) -> Bool {
        let key = Array(HMAC<SHA256>.authenticationCode(for: Array("\(name):\(password)".utf8), using: cacheKey))
        let now = ContinuousClock.now
        if let expiry = verified.withLock({ $0[key] }), expiry > now { return true }
        guard
            let row = try? database.read({ db in
                try Row.fetchOne(
                    db,
                    sql: "SELECT password_hash, salt, iterations FROM users WHERE name = ?",
                    arguments: [name]
                )
            })
        else {
            // Unknown user: spend the same time as a wrong password, so timing does not tell
            // which user names exist.
            _ = PasswordHasher.verify(password, hash: [], salt: [0], iterations: hasher.iterations)
            return false
        }
        let ok = PasswordHasher.verify(
            password,
            hash: Secrets.bytes(hex: row["password_hash"]) ?? [],
            salt: Secrets.bytes(hex: row["salt"]) ?? [],
            iterations: row["iterations"]
        )
        if ok {
            verified.withLock { cache in
                if cache.count > 10_000 { cache.removeAll() }
                cache[key] = now + Self.cacheLifetime
            }
        }
        return ok
    }
}
