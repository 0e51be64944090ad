import GRDB

/// The collector's SQLite database: one file, WAL mode, every commit synced before it returns.
///
/// Durability: a 2xx to an agent means "you may delete this batch from your spool", so a commit
/// must survive not only kill -9 (which WAL with any `synchronous` setting survives: the data is
/// in the OS page cache) but also a power cut. `synchronous = FULL` fsyncs the WAL on every
/// commit; `NORMAL` would sync only at checkpoints and could lose the last acknowledged batches
/// on power loss. The cost is one fsync per batch, a few milliseconds, well inside the budget of
/// a trust's agents each sending a batch every few seconds.
public final class CollectorDatabase: Sendable {
    /// GRDB's pool: one serialized writer plus concurrent readers (WAL lets the page read while
    /// agents write).
    public let pool: DatabasePool
    public let path: String

    public init(path: String) throws(CollectorError) {
        self.path = path
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        // The single writer queues in-process; the timeout covers an admin command (agent add)
        // writing from another process while the server runs.
        configuration.busyMode = .timeout(10)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw CollectorError(.storage, "cannot open the database \(path): \(error)")
        }
    }

    /// The schema, one migration per change; never edit a shipped migration.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    -- Hashes and salts are stored as lowercase hex.
                    CREATE TABLE agents (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        token_hash TEXT NOT NULL UNIQUE,
                        created_ms INTEGER NOT NULL,
                        revoked_ms INTEGER
                    );
                    -- Which agent speaks for which gateway identity: the first agent to send for
                    -- an identity claims it; another agent's token sending for it gets 403.
                    CREATE TABLE agent_identities (
                        trust TEXT NOT NULL,
                        site TEXT NOT NULL,
                        gateway TEXT NOT NULL,
                        agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
                        claimed_ms INTEGER NOT NULL,
                        PRIMARY KEY (trust, site, gateway)
                    );
                    CREATE INDEX agent_identities_agent ON agent_identities(agent_id);
                    CREATE TABLE users (
                        name TEXT PRIMARY KEY,
                        password_hash TEXT NOT NULL,
                        salt TEXT NOT NULL,
                        iterations INTEGER NOT NULL,
                        created_ms INTEGER NOT NULL
                    );
                    CREATE TABLE sessions (
                        token_hash TEXT PRIMARY KEY,
                        user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
                        csrf_token TEXT NOT NULL,
                        created_ms INTEGER NOT NULL,
                        expires_ms INTEGER NOT NULL
                    );
                    -- One row per gateway identity that ever sent data.
                    CREATE TABLE sites (
                        trust TEXT NOT NULL,
                        site TEXT NOT NULL,
                        gateway TEXT NOT NULL,
                        agent_id INTEGER,
                        first_seen_ms INTEGER NOT NULL,
                        last_seen_ms INTEGER NOT NULL,
                        last_contact_ms INTEGER NOT NULL,
                        PRIMARY KEY (trust, site, gateway)
                    );
                    -- De-duplication of sample groups by (agent, record id); samples rows are
                    -- inserted only when this insert is new.
                    CREATE TABLE sample_records (
                        agent_id INTEGER NOT NULL,
                        record_id TEXT NOT NULL,
                        ts INTEGER NOT NULL,
                        PRIMARY KEY (agent_id, record_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX sample_records_ts ON sample_records(ts);
                    CREATE TABLE samples (
                        id INTEGER PRIMARY KEY,
                        agent_id INTEGER NOT NULL,
                        record_id TEXT NOT NULL,
                        trust TEXT NOT NULL,
                        site TEXT NOT NULL,
                        gateway TEXT NOT NULL,
                        name TEXT NOT NULL,
                        labels TEXT NOT NULL,
                        value REAL,
                        ts INTEGER NOT NULL
                    );
                    -- The page's queries: one site's latest values of one family, and its charts.
                    CREATE INDEX samples_site_name_ts ON samples(trust, site, gateway, name, ts);
                    -- Retention deletes by age.
                    CREATE INDEX samples_ts ON samples(ts);
                    CREATE TABLE events (
                        id INTEGER PRIMARY KEY,
                        agent_id INTEGER NOT NULL,
                        event_id TEXT NOT NULL,
                        trust TEXT NOT NULL,
                        site TEXT NOT NULL,
                        gateway TEXT NOT NULL,
                        ts INTEGER NOT NULL,
                        kind TEXT NOT NULL,
                        severity TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        evidence TEXT NOT NULL,
                        attributes TEXT NOT NULL,
                        received_ms INTEGER NOT NULL,
                        UNIQUE (agent_id, event_id)
                    );
                    CREATE INDEX events_site_ts ON events(trust, site, gateway, ts);
                    CREATE INDEX events_kind_ts ON events(kind, ts);
                    CREATE INDEX events_ts ON events(ts);
                    """
            )
        }
        registerViewsMigration(&migrator)
        migrator.registerMigration("v2-alerting") { db in try AlertingSchema.migrate(db) }
        SampleAggregatesMigration.register(in: &migrator)
        return migrator
    }

    /// A write transaction; any failure becomes a `CollectorError` (a `CollectorError` thrown
    /// inside passes through and rolls the transaction back).
    public func write<T>(_ body: (Database) throws -> T) throws(CollectorError) -> T {
        do {
            return try pool.write(body)
        } catch let error as CollectorError {
            throw error
        } catch {
            throw CollectorError(.storage, "database write failed: \(error)")
        }
    }

    /// A read on a snapshot, concurrent with the writer.
    public func read<T>(_ body: (Database) throws -> T) throws(CollectorError) -> T {
        do {
            return try pool.read(body)
        } catch let error as CollectorError {
            throw error
        } catch {
            throw CollectorError(.storage, "database read failed: \(error)")
        }
    }

    /// The async write: runs on GRDB's writer queue and suspends the caller instead of blocking
    /// a concurrency thread through the commit's fsync.
    public func asyncWrite<T: Sendable>(
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws(CollectorError) -> T {
        do {
            return try await pool.write(body)
        } catch let error as CollectorError {
            throw error
        } catch {
            throw CollectorError(.storage, "database write failed: \(error)")
        }
    }

    /// The async read, concurrent with writes.
    public func asyncRead<T: Sendable>(
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws(CollectorError) -> T {
        do {
            return try await pool.read(body)
        } catch let error as CollectorError {
            throw error
        } catch {
            throw CollectorError(.storage, "database read failed: \(error)")
        }
    }
}
