/// Where a spool lives and how big it may grow.
///
/// Default caps, sized for a week-long uplink outage at a typical school gateway: about 60
/// samples and events a second at about 150 bytes of payload, plus the 28-byte record header,
/// is 60 * 178 B * 86,400 s = 0.92 GB a day, 7.4 GB for eight days (a week plus a day of slack
/// to notice and fix the uplink). Hence `maxAge` 8 days and `maxBytes` 8 GiB. Because a small
/// gateway disk must not fill up with telemetry, the byte cap is further limited to
/// `maxFileSystemFraction` of the file system's size when the spool opens. A payload codec that
/// batches samples into fewer, compressed records stretches the same bytes over many more days.
public struct SpoolConfiguration: Sendable {
    /// Where a new consumer starts reading.
    public enum ConsumerStart: Sendable {
        /// At the oldest record still in the spool (nothing is lost for a new destination).
        case oldest
        /// After the newest record (the destination only wants what happens from now on).
        case end
    }

    /// The spool directory (segments in `segments/`, consumer acks in `consumers/`).
    public var directory: String
    /// A segment is sealed and a new one started once it would grow past this.
    public var segmentBytes: Int
    /// Cap on all segments together; the oldest segments are dropped beyond it.
    public var maxBytes: Int64
    /// The byte cap is at most this fraction of the file system's size (0 disables the limit).
    public var maxFileSystemFraction: Double
    /// Segments whose newest record is older than this are dropped by `enforceCaps`.
    public var maxAge: Duration
    /// Largest payload accepted; larger ones are dropped as `too_large`. Also bounds the length a
    /// scan believes, so a corrupt length field cannot make it read gigabytes.
    public var maxRecordBytes: Int
    /// Where consumers that have never acknowledged anything start.
    public var newConsumerStart: ConsumerStart
    /// How often the daemon is expected to call `sync()`; the spool does not run a timer itself
    /// (the caller owns threads and clocks), this is here so the daemon's configuration has one
    /// place for it.
    public var syncInterval: Duration

    public init(
        directory: String,
        segmentBytes: Int = 8 << 20,
        maxBytes: Int64 = 8 << 30,
        maxFileSystemFraction: Double = 0.25,
        maxAge: Duration = .seconds(8 * 86_400),
        maxRecordBytes: Int = 1 << 20,
        newConsumerStart: ConsumerStart = .oldest,
        syncInterval: Duration = .seconds(1)
    ) {
        self.directory = directory
        self.segmentBytes = segmentBytes
        self.maxBytes = maxBytes
        self.maxFileSystemFraction = maxFileSystemFraction
        self.maxAge = maxAge
        self.maxRecordBytes = maxRecordBytes
        self.newConsumerStart = newConsumerStart
        self.syncInterval = syncInterval
    }

    var maxAgeMilliseconds: Int64 {
        let (seconds, attoseconds) = maxAge.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
