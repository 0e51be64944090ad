import NetwardenCore

/// `[ingest]`: what one request may carry and how fast one agent may send.
///
/// Size defaults sit above what the daemon sends (`max_records_per_request` 2000, about
/// `max_request_kib` 4096 before compression) so a default agent is never refused; the rate
/// defaults let an agent drain a week's backlog in minutes while one misbehaving agent (a
/// restart loop, a copied token) cannot starve the others of the single SQLite writer.
public struct IngestSection: ConfigSection {
    public static let name = "ingest"

    /// Largest compressed body; larger is 413.
    public var maximumBodyBytes: Int
    /// Largest body after gunzip; a gzip bomb stops here with 413.
    public var maximumDecompressedBytes: Int
    /// Most records in one request; more is 413 (the agent halves the batch).
    public var maximumRecords: Int
    /// Token bucket per agent: requests that may arrive back to back ...
    public var rateLimitBurst: Int
    /// ... and the sustained requests per second after the burst.
    public var rateLimitPerSecond: Double

    public init(
        maximumBodyBytes: Int = 8 << 20,
        maximumDecompressedBytes: Int = 16 << 20,
        maximumRecords: Int = 5_000,
        rateLimitBurst: Int = 60,
        rateLimitPerSecond: Double = 5
    ) {
        self.maximumBodyBytes = maximumBodyBytes
        self.maximumDecompressedBytes = maximumDecompressedBytes
        self.maximumRecords = maximumRecords
        self.rateLimitBurst = rateLimitBurst
        self.rateLimitPerSecond = rateLimitPerSecond
    }

    public static let defaults = IngestSection()

    public init(from reader: ConfigTableReader) {
        let defaults = Self.defaults
        maximumBodyBytes =
            reader.int("max_body_kib", range: 1...262_144, default: defaults.maximumBodyBytes >> 10) << 10
        maximumDecompressedBytes =
            reader.int("max_decompressed_kib", range: 1...1_048_576, default: defaults.maximumDecompressedBytes >> 10)
            << 10
        maximumRecords = reader.int("max_records", range: 1...1_000_000, default: defaults.maximumRecords)
        rateLimitBurst = reader.int("rate_limit_burst", range: 1...100_000, default: defaults.rateLimitBurst)
        rateLimitPerSecond = reader.double(
            "rate_limit_per_second",
            range: 0.001...100_000,
            default: defaults.rateLimitPerSecond
        )
    }
}
