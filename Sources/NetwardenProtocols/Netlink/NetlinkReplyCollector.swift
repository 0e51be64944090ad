/// Follows the replies to one request across however many datagrams the kernel sends.
///
/// A dump ends with NLMSG_DONE; a plain request sent with NLM_F_ACK ends with an NLMSG_ERROR
/// whose code is 0. Messages with another sequence number are late answers to an earlier request
/// that timed out, and are counted and ignored rather than mistaken for ours. Data messages are
/// handed to `onMessage` while the receive buffer is still valid, so nothing is copied here.
/// The byte and message caps bound what one misbehaving driver (or a station table with
/// thousands of entries) can make us hold.
public struct NetlinkReplyCollector {
    /// What ends the exchange.
    public enum Expectation: Sendable {
        /// NLM_F_DUMP: data messages, then NLMSG_DONE.
        case dump
        /// NLM_F_ACK on a single request: optional data, then an ACK.
        case acknowledged
    }

    /// Whether to keep receiving.
    public enum Status: Sendable, Equatable {
        case needMore
        case complete
    }

    public let sequence: UInt32
    public let expectation: Expectation
    public let byteLimit: Int
    public let messageLimit: Int
    public private(set) var bytesReceived = 0
    public private(set) var dataMessages = 0
    /// Messages for other sequence numbers (stale replies) that were skipped.
    public private(set) var ignoredMessages = 0
    public private(set) var isComplete = false

    public init(sequence: UInt32, expectation: Expectation, byteLimit: Int = 4 << 20, messageLimit: Int = 65_536) {
        self.sequence = sequence
        self.expectation = expectation
        self.byteLimit = byteLimit
        self.messageLimit = messageLimit
    }

    /// Processes one received datagram. Throws on a malformed datagram, a kernel error, an
    /// overrun, an interrupted dump (the caller may retry) or a cap being exceeded.
    public mutating func feed(
        _ datagram: UnsafeRawBufferPointer,
        onMessage: (NetlinkMessage) throws(NetlinkError) -> Void
    ) throws(NetlinkError) -> Status {
        guard !isComplete else { return .complete }
        bytesReceived += datagram.count
        guard bytesReceived <= byteLimit else {
            throw NetlinkError(.limitExceeded, "reply exceeded \(byteLimit) bytes")
        }
        var messages = NetlinkMessageReader(datagram)
        var interrupted = false
        while !isComplete, let message = messages.next() {
            let header = message.header
            guard header.sequence == sequence else {
                ignoredMessages += 1
                continue
            }
            if header.flags.contains(.dumpInterrupted) { interrupted = true }
            switch header.type {
            case NetlinkMessageType.noop:
                continue
            case NetlinkMessageType.error:
                let body = try NetlinkErrorMessage.decode(message)
                if body.error != 0 {
                    throw NetlinkError(
                        .kernelError,
                        "request refused",
                        offset: message.offset,
                        // 0 &- : a forged Int32.min status must not trap on negation.
                        errno: 0 &- body.error,
                        kernelMessage: body.kernelMessage
                    )
                }
                // A dump does not normally ACK; if one arrives it is harmless.
                if expectation == .acknowledged { isComplete = true }
            case NetlinkMessageType.done:
                // DONE carries the dump's final status as an int when the payload has room for one.
                var reader = ByteReader(message.payload)
                if let raw = reader.readHostUInt32(), Int32(bitPattern: raw) < 0 {
                    throw NetlinkError(
                        .kernelError,
                        "dump ended with an error",
                        offset: message.offset,
                        errno: 0 &- Int32(bitPattern: raw)
                    )
                }
                isComplete = true
            case NetlinkMessageType.overrun:
                throw NetlinkError(.overrun, "kernel reported lost messages", offset: message.offset)
            default:
                dataMessages += 1
                guard dataMessages <= messageLimit else {
                    throw NetlinkError(
                        .limitExceeded,
                        "reply exceeded \(messageLimit) messages",
                        offset: message.offset
                    )
                }
                try onMessage(message)
            }
        }
        if let error = messages.error { throw error }
        if interrupted {
            throw NetlinkError(
                .interrupted,
                "the kernel's table changed during the dump; its contents may be inconsistent"
            )
        }
        return isComplete ? .complete : .needMore
    }
}
