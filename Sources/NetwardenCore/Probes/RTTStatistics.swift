/// Summary of one burst of round trips, the SmokePing-style figures a single ping cannot give.
///
/// Jitter is the mean absolute difference of consecutive RTTs in arrival order (RFC 3550's
/// interarrival jitter without its smoothing, as SmokePing and most probers report it).
public struct RTTStatistics: Sendable, Equatable {
    public var minimum: Double
    public var average: Double
    public var median: Double
    public var maximum: Double
    /// Population standard deviation (as iputils `ping`'s mdev is, near enough).
    public var standardDeviation: Double
    public var jitter: Double

    /// Statistics over RTTs in seconds, in the order the replies arrived; nil when empty.
    public init?(rttsInArrivalOrder rtts: [Double]) {
        guard !rtts.isEmpty else { return nil }
        let sorted = rtts.sorted()
        minimum = sorted.first!
        maximum = sorted.last!
        average = rtts.reduce(0, +) / Double(rtts.count)
        let middle = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        let mean = average
        standardDeviation = (rtts.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(rtts.count)).squareRoot()
        if rtts.count > 1 {
            var total = 0.0
            for index in 1..<rtts.count { total += abs(rtts[index] - rtts[index - 1]) }
            jitter = total / Double(rtts.count - 1)
        } else {
            jitter = 0
        }
    }
}
