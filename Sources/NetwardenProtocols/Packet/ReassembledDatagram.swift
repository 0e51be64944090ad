/// A datagram rebuilt from fragments. `payload` is the whole IP payload (transport header
/// included; for IPv6 the fragmentable part) and points into the reassembler's buffer: valid only
/// inside the completion closure.
public struct ReassembledDatagram {
    public var source: IPAddress
    public var destination: IPAddress
    /// IPv4 Identification (16 bits, widened) or IPv6 Fragment Identification.
    public var identification: UInt32
    /// What `payload` starts with: the IPv4 protocol, or the Next Header of the IPv6 offset-0
    /// fragment's Fragment header.
    public var ipProtocol: UInt8
    /// TTL or hop limit of the first fragment.
    public var hopLimit: UInt8
    public var payload: UnsafeRawBufferPointer
}
