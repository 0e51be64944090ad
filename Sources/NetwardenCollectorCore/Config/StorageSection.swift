import NetwardenCore

/// `[storage]`: the SQLite database holding agents, users, samples and events.
public struct StorageSection: ConfigSection {
    public static let name = "storage"

    /// Absolute path of the database file; its directory must exist (systemd's StateDirectory=
    /// creates it). The WAL and shared-memory files live next to it.
    public var database: String

    public init(database: String = "/var/lib/netwarden-collector/collector.sqlite") { self.database = database }

    public static let defaults = StorageSection()

    public init(from reader: ConfigTableReader) {
        database = reader.value("database", ServerSection.absolutePath, default: Self.defaults.database)
    }
}
