/// A datagram rebuilt from fragments. `payload` is the whole IP payload (transport header
/// included) and points into the reassembler's buffer: valid only inside the completion closure.
public struct ReassembledDatagram {
    public var source: IPAddress
    public var destination: IPAddress
    public var identification: UInt16
    public var ipProtocol: UInt8
    /// TTL of the first fragment.
    public var hopLimit: UInt8
    public var payload: UnsafeRawBufferPointer
}
