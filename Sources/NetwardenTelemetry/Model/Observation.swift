/// One value a producer measured for one series of a family, before the hub stamps it with
/// the time and the agent identity.
public struct Observation: Sendable, Equatable {
    public var family: MetricFamily
    /// The series' own labels (never identity: the hub adds trust, site and gateway).
    public var labels: [Label]
    public var value: Double

    public init(_ family: MetricFamily, _ value: Double, _ labels: [Label] = []) {
        self.family = family
        self.labels = labels
        self.value = value
    }

    public static func == (lhs: Observation, rhs: Observation) -> Bool {
        lhs.family == rhs.family && lhs.labels == rhs.labels && lhs.value.bitPattern == rhs.value.bitPattern
    }
}

/// Collects a producer's observations with shared labels, so converters read as a list of
/// `add(.family, value)` lines.
public struct ObservationList: Sendable {
    public private(set) var items: [Observation] = []
    /// Labels every observation added after this point carries first.
    public var common: [Label]

    public init(common: [Label] = []) { self.common = common }

    public mutating func add(_ family: MetricFamily, _ value: Double, _ extra: [Label] = []) {
        items.append(Observation(family, value, common + extra))
    }

    public mutating func add(_ family: MetricFamily, _ value: Int, _ extra: [Label] = []) {
        add(family, Double(value), extra)
    }

    public mutating func add(_ family: MetricFamily, _ value: Bool, _ extra: [Label] = []) {
        add(family, value ? 1.0 : 0.0, extra)
    }

    public mutating func append(contentsOf other: [Observation]) { items += other }
}
