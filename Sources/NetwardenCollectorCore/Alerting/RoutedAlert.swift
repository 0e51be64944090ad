/// One alert as the collector tracks it: per school gateway and alert key (the alert's name
/// and series labels), its latest state and why it was not sent, if it was not.
public struct RoutedAlert: Sendable, Equatable {
    public enum Status: String, Sendable {
        case firing
        case resolved
    }

    /// Stable across flaps: a hash of the labels (as Alertmanager's fingerprint).
    public var fingerprint: String
    /// `alertname`, `trust`, `site`, `gateway`, `severity`, then the series' labels.
    public var labels: [(name: String, value: String)]
    /// `summary` (the evidence) and `description`.
    public var annotations: [(name: String, value: String)]
    public var status: Status
    public var startsAt: Int64
    public var endsAt: Int64?
    /// Arrived from a backlog, long after it happened.
    public var late: Bool
    /// Why its firing is not being sent right now, if it is not.
    public var suppression: Suppression?

    public init(
        fingerprint: String,
        labels: [(name: String, value: String)],
        annotations: [(name: String, value: String)],
        status: Status,
        startsAt: Int64,
        endsAt: Int64? = nil,
        late: Bool = false,
        suppression: Suppression? = nil
    ) {
        self.fingerprint = fingerprint
        self.labels = labels
        self.annotations = annotations
        self.status = status
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.late = late
        self.suppression = suppression
    }

    public func label(_ name: String) -> String? { labels.first { $0.name == name }?.value }
    public func annotation(_ name: String) -> String? { annotations.first { $0.name == name }?.value }

    public var alertname: String { label("alertname") ?? "" }
    public var trust: String { label("trust") ?? "" }
    public var site: String { label("site") ?? "" }
    public var labelMap: [String: String] {
        Dictionary(labels.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// The series labels (those after the fixed five) as `probe=vle, target=...`, for text.
    public var seriesText: String {
        labels.filter { !["alertname", "trust", "site", "gateway", "severity"].contains($0.name) }
            .map { "\($0.name)=\($0.value)" }.joined(separator: ", ")
    }

    public static func == (lhs: RoutedAlert, rhs: RoutedAlert) -> Bool {
        lhs.fingerprint == rhs.fingerprint && lhs.status == rhs.status && lhs.startsAt == rhs.startsAt
            && lhs.endsAt == rhs.endsAt && lhs.late == rhs.late && lhs.suppression == rhs.suppression
            && lhs.labels.map(\.name) == rhs.labels.map(\.name) && lhs.labels.map(\.value) == rhs.labels.map(\.value)
            && lhs.annotations.map(\.name) == rhs.annotations.map(\.name)
            && lhs.annotations.map(\.value) == rhs.annotations.map(\.value)
    }

    /// FNV-1a over the sorted labels, 16 hex digits.
    static func fingerprint(of labels: [(name: String, value: String)]) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for label in labels.sorted(by: { $0.name < $1.name }) {
            for byte in label.name.utf8 + [0] + label.value.utf8 + [0xff] {
                value ^= UInt64(byte)
                value &*= 0x100_0000_01b3
            }
        }
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// Why a firing alert was recorded but not sent.
public enum Suppression: Sendable, Hashable {
    /// The school is offline or its uplink is down (the named alert); the symptom is implied.
    case inhibited(by: String)
    case silenced(id: String, comment: String)
    case maintenance(id: String, comment: String)
    /// Arrived from a backlog; it is in the school's late summary instead.
    case lateSummary

    /// The word the history page and the JSON API use.
    public var reason: String {
        switch self {
        case .inhibited: "inhibited"
        case .silenced: "silenced"
        case .maintenance: "maintenance"
        case .lateSummary: "late-summary"
        }
    }

    public var detail: String {
        switch self {
        case .inhibited(let by): "inhibited by \(by)"
        case .silenced(let id, let comment): "silence \(id)" + (comment.isEmpty ? "" : ": \(comment)")
        case .maintenance(let id, let comment): "maintenance window \(id)" + (comment.isEmpty ? "" : ": \(comment)")
        case .lateSummary: "arrived late from a backlog; sent in the school's summary"
        }
    }
}
