import NetwardenProtocols

/// Assembles DNS messages for tests, byte by byte, including hand-placed compression pointers,
/// so decoder tests can state exactly which offsets a pointer refers to.
public struct DNSWireBuilder {
    public private(set) var bytes: [UInt8] = []

    /// Starts a message with a header (`flags` raw; counts as claimed, true or not).
    public init(
        id: UInt16 = 0xbeef,
        flags: UInt16 = 0x8180,
        questions: UInt16 = 1,
        answers: UInt16 = 0,
        authority: UInt16 = 0,
        additional: UInt16 = 0
    ) {
        for word in [id, flags, questions, answers, authority, additional] {
            bytes += PacketBuilder.be16(word)
        }
    }

    /// Current length: the offset the next byte will have (for pointers to it).
    public var offset: Int { bytes.count }

    /// Uncompressed labels of `name`, terminated with the root unless `terminated` is false
    /// (then follow with ``pointer(to:)``).
    public mutating func name(_ name: String, terminated: Bool = true) {
        for label in name.split(separator: ".") {
            bytes.append(UInt8(label.utf8.count))
            bytes += label.utf8
        }
        if terminated { bytes.append(0) }
    }

    /// A compression pointer to `target`.
    public mutating func pointer(to target: Int) {
        bytes += PacketBuilder.be16(0xc000 | UInt16(target))
    }

    public mutating func question(_ name: String, type: DNSRecordType = .a, recordClass: UInt16 = 1) {
        self.name(name)
        bytes += PacketBuilder.be16(type.rawValue) + PacketBuilder.be16(recordClass)
    }

    /// Type, class IN, TTL and RDATA after an owner name written separately.
    public mutating func recordBody(type: DNSRecordType, ttl: UInt32 = 300, data: [UInt8]) {
        bytes += PacketBuilder.be16(type.rawValue) + PacketBuilder.be16(1) + PacketBuilder.be32(ttl)
        bytes += PacketBuilder.be16(UInt16(data.count)) + data
    }

    /// A record whose owner name is a pointer to `ownerOffset`.
    public mutating func record(owner ownerOffset: Int, type: DNSRecordType, ttl: UInt32 = 300, data: [UInt8]) {
        pointer(to: ownerOffset)
        recordBody(type: type, ttl: ttl, data: data)
    }

    public mutating func append(_ raw: [UInt8]) { bytes += raw }

    /// Uncompressed wire form of a name.
    public static func wireName(_ name: String) -> [UInt8] {
        var builder = DNSWireBuilder()
        builder.bytes = []
        builder.name(name)
        return builder.bytes
    }

    /// SVCB/HTTPS RDATA: priority, uncompressed target, then `(key, value)` params in the order given.
    public static func serviceBindingData(priority: UInt16, target: String, parameters: [(UInt16, [UInt8])]) -> [UInt8]
    {
        var data = PacketBuilder.be16(priority) + (target.isEmpty || target == "." ? [0] : wireName(target))
        for (key, value) in parameters {
            data += PacketBuilder.be16(key) + PacketBuilder.be16(UInt16(value.count)) + value
        }
        return data
    }

    /// An ALPN value: each identifier length-prefixed.
    public static func alpnValue(_ identifiers: [String]) -> [UInt8] {
        identifiers.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
    }
}
