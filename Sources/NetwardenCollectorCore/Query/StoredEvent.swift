/// An event as stored, for the school page.
public struct StoredEvent: Sendable, Equatable {
    public var id: String
    public var timestampMilliseconds: Int64
    public var kind: String
    public var severity: String
    public var subject: String
    public var evidence: String
    public var attributes: [(name: String, value: String)]

    public static func == (lhs: StoredEvent, rhs: StoredEvent) -> Bool {
        lhs.id == rhs.id && lhs.timestampMilliseconds == rhs.timestampMilliseconds && lhs.kind == rhs.kind
            && lhs.severity == rhs.severity && lhs.subject == rhs.subject && lhs.evidence == rhs.evidence
            && lhs.attributes.map(\.name) == rhs.attributes.map(\.name)
            && lhs.attributes.map(\.value) == rhs.attributes.map(\.value)
    }
}
