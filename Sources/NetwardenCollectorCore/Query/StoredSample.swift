/// A sample as stored: a family, its labels (without identity) and value at a time.
public struct StoredSample: Sendable, Equatable {
    public var name: String
    public var labels: [(name: String, value: String)]
    public var value: Double?
    public var timestampMilliseconds: Int64

    public static func == (lhs: StoredSample, rhs: StoredSample) -> Bool {
        lhs.name == rhs.name && lhs.value == rhs.value && lhs.timestampMilliseconds == rhs.timestampMilliseconds
            && lhs.labels.map(\.name) == rhs.labels.map(\.name) && lhs.labels.map(\.value) == rhs.labels.map(\.value)
    }

    /// `name{a="b",...}`, the way Prometheus users read a series.
    public var seriesText: String {
        labels.isEmpty ? name : name + "{" + labels.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ",") + "}"
    }
}
