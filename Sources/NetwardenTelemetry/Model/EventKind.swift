/// What an event reports, as the `kind` field and the Loki stream label.
///
/// A string-backed value rather than a closed enum: the filter judge, the alert rules and
/// (later) active filter tests each add kinds without this module knowing them all; the filter
/// judge's kinds are `FilterEventKind`'s raw values.
public struct EventKind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    /// An alert rule started firing / resolved (NetwardenAlerts).
    public static let alertFiring = EventKind("alert_firing")
    public static let alertResolved = EventKind("alert_resolved")
}
