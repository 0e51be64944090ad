/// One sample of a group: a metric family, the series' own labels and its value.
public struct WireSample: Sendable, Equatable {
    public var name: String
    /// In the order the agent sent them; identity labels are not repeated here.
    public var labels: [(name: String, value: String)]
    /// nil for NaN or ±Inf, which JSON cannot carry (sent as `null`).
    public var value: Double?

    public init(name: String, labels: [(name: String, value: String)], value: Double?) {
        self.name = name
        self.labels = labels
        self.value = value
    }

    public static func == (lhs: WireSample, rhs: WireSample) -> Bool {
        lhs.name == rhs.name && lhs.value == rhs.value && lhs.labels.count == rhs.labels.count
            && zip(lhs.labels, rhs.labels).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}
