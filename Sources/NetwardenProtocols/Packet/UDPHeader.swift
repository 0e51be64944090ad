/// The UDP header as sent (ports and the datagram length including the 8-byte header).
public struct UDPHeader: Hashable, Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// Length field: header plus payload, as the sender declared it.
    public var length: UInt16

    public init(sourcePort: UInt16, destinationPort: UInt16, length: UInt16) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.length = length
    }
}
