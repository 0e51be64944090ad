import NetwardenCore

/// The one envelope for every event the daemon reports: filter leaks, blocks and bypass, probe
/// and link state changes, and (later) alerts.
///
/// Every event has a stable id (a collector drops duplicates by it), a time, the agent
/// identity, a kind, a severity, a subject (what it is about: a probe, an interface, a name)
/// and evidence in words a technician can check. Kind-specific facts (category, client, server
/// port, ...) go in `attributes`, in the order the producer gives them.
public struct TelemetryEvent: Sendable, Equatable {
    public var id: String
    public var timestampMilliseconds: Int64
    public var identity: AgentIdentity
    public var kind: EventKind
    public var severity: LogSeverity
    public var subject: String
    public var evidence: String
    public var attributes: [Label]

    public init(
        id: String,
        timestampMilliseconds: Int64,
        identity: AgentIdentity,
        kind: EventKind,
        severity: LogSeverity,
        subject: String,
        evidence: String,
        attributes: [Label] = []
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

    /// The attribute called `name`, if any.
    public subscript(attribute name: String) -> String? { attributes.first { $0.name == name }?.value }
}

/// An event as a producer reports it: the hub adds the identity, and the id and time when
/// the producer leaves them out.
public struct EventDraft: Sendable, Equatable {
    /// A stable id the producer derived (filter events hash their evidence), or nil for the
    /// hub to assign one that is unique per agent.
    public var id: String?
    /// When it happened (packet time for capture); nil means "now" on the hub's clock.
    public var timestampMilliseconds: Int64?
    public var kind: EventKind
    public var severity: LogSeverity
    public var subject: String
    public var evidence: String
    public var attributes: [Label]

    public init(
        id: String? = nil,
        timestampMilliseconds: Int64? = nil,
        kind: EventKind,
        severity: LogSeverity,
        subject: String,
        evidence: String,
        attributes: [Label] = []
    ) {
        self.id = id
        self.timestampMilliseconds = timestampMilliseconds
        self.kind = kind
        self.severity = severity
        self.subject = subject
        self.evidence = evidence
        self.attributes = attributes
    }
}
