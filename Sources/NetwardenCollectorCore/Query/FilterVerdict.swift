/// A check status ordered by how much it needs attention: a fail before an inconclusive before
/// a pass, and an unknown word (a newer agent's) treated as inconclusive, never as a pass.
public enum FilterVerdict: String, Sendable, Comparable, CaseIterable {
    case fail, inconclusive, pass

    public init(status: String) { self = FilterVerdict(rawValue: status) ?? .inconclusive }

    var rank: Int {
        switch self {
        case .fail: 0
        case .inconclusive: 1
        case .pass: 2
        }
    }

    public static func < (lhs: FilterVerdict, rhs: FilterVerdict) -> Bool { lhs.rank < rhs.rank }
}
