import NetwardenCompliance
import NetwardenWire

/// One filter-compliance record as the evidence page and CSV show it, with its chain check.
public struct ComplianceEvidenceRecord: Sendable, Equatable {
    public var identity: WireIdentity
    /// The event's id (stable across resends) and its timestamp in ms.
    public var eventID: String
    public var timestampMilliseconds: Int64
    /// When the collector stored it.
    public var receivedMilliseconds: Int64
    /// The sealed fields in ``ComplianceChain/fieldNames`` order; a field the event lacks is "".
    public var fields: [String]
    public var previous: String?
    public var hash: String?
    public var check: ChainCheck

    /// A sealed field by name ("" if absent).
    public func field(_ name: String) -> String {
        guard let index = ComplianceChain.fieldNames.firstIndex(of: name), index < fields.count else { return "" }
        return fields[index]
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.identity == rhs.identity && lhs.eventID == rhs.eventID
            && lhs.timestampMilliseconds == rhs.timestampMilliseconds
            && lhs.receivedMilliseconds == rhs.receivedMilliseconds && lhs.fields == rhs.fields
            && lhs.previous == rhs.previous && lhs.hash == rhs.hash && lhs.check == rhs.check
    }
}
