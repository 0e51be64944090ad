/// Which section of a message a record came from.
public enum DNSSection: Hashable, Sendable {
    case answer
    case authority
    case additional
}

/// One resource record, with the data of the types the capture path and the DNS probe use
/// decoded. Names and slices point into the message.
public struct DNSResourceRecord {
    /// Decoded RDATA of the types netwarden reads; everything else is `.other` (see `rawData`).
    public enum Data {
        case a(IPAddress)
        case aaaa(IPAddress)
        case cname(DNSNameReference)
        /// SVCB (64) or HTTPS (65).
        case serviceBinding(SVCBRecord)
        case other
    }

    public var section: DNSSection
    public var name: DNSNameReference
    public var type: DNSRecordType
    public var recordClass: UInt16
    public var ttl: UInt32
    public var data: Data
    /// The undecoded RDATA.
    public var rawData: UnsafeRawBufferPointer
}
