/// An `event` line: a filter leak, bypass, probe or link state change, an alert.
public struct WireEvent: Sendable, Equatable {
    /// Stable record id; the collector de-duplicates by it.
    public var id: String
    public var timestampMilliseconds: Int64
    public var identity: WireIdentity
    public var kind: String
    public var severity: String
    public var subject: String
    public var evidence: String
    /// Kind-specific strings (`category`, `client`, `reason`, ...) in the order sent.
    public var attributes: [(name: String, value: String)]

    public init(
        id: String,
        timestampMilliseconds: Int64,
        identity: WireIdentity,
        kind: String,
        severity: String,
        subject: String,
        evidence: String,
        attributes: [(name: String, value: String)]
    ) {
        self.id = id
        self.timestampMilliseconds = timestampMilliseconds
        self.identity = identity
        self.kind = kind
        self.severity = severity
        self.subject = subject
        self.evidence = evidence
        self.attributes = attributes
    }

    public static func == (lhs: WireEvent, rhs: WireEvent) -> Bool {
        lhs.id == rhs.id && lhs.timestampMilliseconds == rhs.timestampMilliseconds && lhs.identity == rhs.identity
            && lhs.kind == rhs.kind && lhs.severity == rhs.severity && lhs.subject == rhs.subject
            && lhs.evidence == rhs.evidence && lhs.attributes.count == rhs.attributes.count
            && zip(lhs.attributes, rhs.attributes).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}
