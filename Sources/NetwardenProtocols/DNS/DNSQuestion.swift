/// One entry of the question section.
public struct DNSQuestion {
    public var name: DNSNameReference
    public var type: DNSRecordType
    /// QCLASS (1 = IN); the top bit is mDNS's "unicast response" flag, left in place.
    public var recordClass: UInt16

    public init(name: DNSNameReference, type: DNSRecordType, recordClass: UInt16 = 1) {
        self.name = name
        self.type = type
        self.recordClass = recordClass
    }
}
