/// Builds netlink request messages: header, optional generic netlink header, attributes.
///
/// Requests are tiny (a family name, an interface index), so this writes into a growing array
/// and patches lengths when a message or nest is closed. Host byte order throughout.
public struct NetlinkEncoder {
    private var buffer: [UInt8] = []
    private var messageStart = 0
    private var openNests: [Int] = []

    public init() {}

    /// Starts a message; `portID` 0 lets the kernel fill in our socket's port.
    public mutating func beginMessage(type: UInt16, flags: NetlinkFlags, sequence: UInt32, portID: UInt32 = 0) {
        messageStart = buffer.count
        append(UInt32(0))  // length, patched by finishMessage
        append(type)
        append(flags.rawValue)
        append(sequence)
        append(portID)
    }

    public mutating func appendGenericHeader(command: UInt8, version: UInt8) {
        buffer.append(command)
        buffer.append(version)
        append(UInt16(0))
    }

    public mutating func appendAttribute(type: UInt16, bytes: some Collection<UInt8>) {
        append(UInt16(NetlinkAttribute.headerSize + bytes.count))
        append(type)
        buffer.append(contentsOf: bytes)
        pad()
    }

    public mutating func appendAttribute(type: UInt16, uint32: UInt32) {
        withUnsafeBytes(of: uint32) { appendAttribute(type: type, bytes: $0) }
    }

    public mutating func appendAttribute(type: UInt16, uint16: UInt16) {
        withUnsafeBytes(of: uint16) { appendAttribute(type: type, bytes: $0) }
    }

    /// A NUL-terminated string, as NLA_NUL_STRING policies require.
    public mutating func appendAttribute(type: UInt16, string: String) {
        appendAttribute(type: type, bytes: Array(string.utf8) + [0])
    }

    /// Opens a nest (with NLA_F_NESTED set, as strict kernel policies expect); close it with `endNested`.
    public mutating func beginNested(type: UInt16) {
        openNests.append(buffer.count)
        append(UInt16(0))
        append(type | NetlinkAttribute.nestedFlag)
    }

    public mutating func endNested() {
        guard let start = openNests.popLast() else { return }
        patch(UInt16(truncatingIfNeeded: buffer.count - start), at: start)
    }

    /// Closes the current message (patching its length) and returns every message built so far.
    public mutating func finishMessage() -> [UInt8] {
        while !openNests.isEmpty { endNested() }
        patch(UInt32(truncatingIfNeeded: buffer.count - messageStart), at: messageStart)
        return buffer
    }

    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value) { buffer.append(contentsOf: $0) }
    }

    private mutating func patch<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        withUnsafeBytes(of: value) { bytes in
            for (index, byte) in bytes.enumerated() { buffer[offset + index] = byte }
        }
    }

    private mutating func pad() {
        while buffer.count % 4 != 0 { buffer.append(0) }
    }
}
