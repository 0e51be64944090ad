/// The TCP header fields the capture path uses (flow key, stream position, connection state).
public struct TCPHeader: Hashable, Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var sequenceNumber: UInt32
    public var acknowledgementNumber: UInt32
    public var flags: TCPFlags
    /// Header length in bytes (data offset x 4), options included.
    public var headerLength: Int
    public var window: UInt16

    public init(
        sourcePort: UInt16,
        destinationPort: UInt16,
        sequenceNumber: UInt32,
        acknowledgementNumber: UInt32,
        flags: TCPFlags,
        headerLength: Int,
        window: UInt16
    ) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.sequenceNumber = sequenceNumber
        self.acknowledgementNumber = acknowledgementNumber
        self.flags = flags
        self.headerLength = headerLength
        self.window = window
    }
}

/// TCP control bits (the low 9 bits of the offset/flags word, so AE/NS is kept too).
public struct TCPFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let fin = TCPFlags(rawValue: 0x001)
    public static let syn = TCPFlags(rawValue: 0x002)
    public static let rst = TCPFlags(rawValue: 0x004)
    public static let psh = TCPFlags(rawValue: 0x008)
    public static let ack = TCPFlags(rawValue: 0x010)
    public static let urg = TCPFlags(rawValue: 0x020)
    public static let ece = TCPFlags(rawValue: 0x040)
    public static let cwr = TCPFlags(rawValue: 0x080)
    public static let ae = TCPFlags(rawValue: 0x100)
}
