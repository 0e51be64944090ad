/// One value of one series at one time: what leaves the hub for every sink.
public struct Sample: Sendable, Equatable {
    public var name: String
    /// Identity first, then the series' own labels, in the order the producer gave them.
    public var labels: [Label]
    public var value: Double
    /// Milliseconds since the Unix epoch (when it was observed, from the hub's wall clock).
    public var timestampMilliseconds: Int64

    public init(name: String, labels: [Label], value: Double, timestampMilliseconds: Int64) {
        self.name = name
        self.labels = labels
        self.value = value
        self.timestampMilliseconds = timestampMilliseconds
    }

    public var seriesKey: SeriesKey { SeriesKey(name: name, labels: labels) }

    public static func == (lhs: Sample, rhs: Sample) -> Bool {
        lhs.name == rhs.name && lhs.value.bitPattern == rhs.value.bitPattern
            && lhs.timestampMilliseconds == rhs.timestampMilliseconds && lhs.labels == rhs.labels
    }
}
