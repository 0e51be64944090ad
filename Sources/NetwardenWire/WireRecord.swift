/// One record line after the header.
public enum WireRecord: Sendable, Equatable {
    case samples(WireSampleGroup)
    case event(WireEvent)
    /// A `type` this version does not know: a newer agent's; ignored but counted.
    case unknown(type: String)

    /// The record's identity, or nil for an unknown record.
    public var identity: WireIdentity? {
        switch self {
        case .samples(let group): group.identity
        case .event(let event): event.identity
        case .unknown: nil
        }
    }
}
