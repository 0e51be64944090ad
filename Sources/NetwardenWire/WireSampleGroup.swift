/// A `samples` line: one producer's publish at one instant (one probe run, one link round).
public struct WireSampleGroup: Sendable, Equatable {
    /// Stable record id; the collector de-duplicates by it.
    public var id: String
    /// Milliseconds since the Unix epoch when observed (older for a backlog).
    public var timestampMilliseconds: Int64
    public var identity: WireIdentity
    public var samples: [WireSample]

    public init(id: String, timestampMilliseconds: Int64, identity: WireIdentity, samples: [WireSample]) {
        self.id = id
        self.timestampMilliseconds = timestampMilliseconds
        self.identity = identity
        self.samples = samples
    }
}
