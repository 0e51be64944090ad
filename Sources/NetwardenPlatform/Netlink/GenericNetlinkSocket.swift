import Glibc
import NetwardenProtocols

/// An AF_NETLINK / NETLINK_GENERIC socket, owning its file descriptor (closed in deinit).
///
/// It does the parts every generic netlink client needs: resolving a family name to the id the
/// kernel assigned at boot, and request/dump exchanges in which only replies carrying the
/// request's fresh sequence number count, so a late answer to a request that timed out cannot
/// be mistaken for the current one. The receive timeout and the per-dump byte cap bound what a
/// wedged or misbehaving kernel module can cost a sampler. Not thread-safe: one owner at a time.
public final class GenericNetlinkSocket {
    /// NETLINK_GENERIC from linux/netlink.h (not exported by Glibc's module).
    private static let netlinkGeneric: Int32 = 16
    /// SOL_NETLINK and its options, also absent from Glibc's module.
    private static let solNetlink: Int32 = 270
    private static let netlinkCapAck: Int32 = 10
    private static let netlinkExtAck: Int32 = 11
    /// Large enough for any one datagram the kernel builds for a dump (it sizes them to about
    /// 16-32 KiB); anything bigger arrives with MSG_TRUNC and is reported, not half-parsed.
    private static let receiveBufferSize = 64 * 1024
    /// How often a dump is retried when the kernel flags it as interrupted by a change.
    private static let interruptedRetries = 3

    public let dumpByteLimit: Int
    private let descriptor: Int32
    private var sequence: UInt32
    private var buffer: [UInt8]

    /// Opens the socket. Throws `.unavailable` when the kernel has no generic netlink.
    public init(receiveTimeout: Duration = .seconds(2), dumpByteLimit: Int = 4 << 20) throws(GenericNetlinkError) {
        let context = "opening a generic netlink socket"
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Self.netlinkGeneric)
        if fd < 0 {
            let error = SystemError("socket(AF_NETLINK, NETLINK_GENERIC)")
            let missing = error.errno == EAFNOSUPPORT || error.errno == EPROTONOSUPPORT
            throw GenericNetlinkError(
                missing ? .unavailable : .system,
                missing ? "generic netlink not available" : "cannot open socket",
                context: context,
                systemError: error
            )
        }
        let (seconds, attoseconds) = receiveTimeout.components
        var timeout = timeval(tv_sec: Int(max(0, seconds)), tv_usec: Int(max(0, attoseconds) / 1_000_000_000_000))
        if timeout.tv_sec == 0 && timeout.tv_usec == 0 { timeout.tv_usec = 1 }  // zero would mean "block forever"
        if setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size)) != 0 {
            let error = SystemError("setsockopt(SO_RCVTIMEO)")
            close(fd)
            throw GenericNetlinkError(.system, "cannot set receive timeout", context: context, systemError: error)
        }
        // Best effort, both since Linux 4.x: capped ACKs keep error replies small, extended ACKs
        // add the kernel's reason text to errors. Older kernels simply ignore the request.
        var on: Int32 = 1
        setsockopt(fd, Self.solNetlink, Self.netlinkCapAck, &on, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, Self.solNetlink, Self.netlinkExtAck, &on, socklen_t(MemoryLayout<Int32>.size))
        descriptor = fd
        self.dumpByteLimit = dumpByteLimit
        sequence = UInt32.random(in: 1...UInt32.max / 2)
        buffer = [UInt8](repeating: 0, count: Self.receiveBufferSize)
    }

    deinit { close(descriptor) }

    /// The id of generic netlink family `name`; `.unavailable` when the kernel has no such family.
    public func resolveFamily(_ name: String) throws(GenericNetlinkError) -> UInt16 {
        let context = "resolving the \(name) generic netlink family"
        let sequence = nextSequence()
        var familyID: UInt16?
        var collector = NetlinkReplyCollector(sequence: sequence, expectation: .acknowledged, byteLimit: 1 << 20)
        do {
            try exchange(
                GenericNetlinkController.getFamilyRequest(name: name, sequence: sequence),
                collector: &collector,
                context: context
            ) { message throws(NetlinkError) in
                if message.header.type == GenericNetlinkController.familyID {
                    familyID = try GenericNetlinkController.decodeFamilyID(message)
                }
            }
        } catch let error where error.netlinkError?.code == .kernelError && error.netlinkError?.errno == ENOENT {
            throw GenericNetlinkError(
                .unavailable,
                "\(name) not available: the kernel has no such generic netlink family",
                context: context,
                netlinkError: error.netlinkError
            )
        }
        guard let familyID else {
            throw GenericNetlinkError(
                .protocolError,
                "the controller acknowledged without a family id",
                context: context
            )
        }
        return familyID
    }

    /// Sends the dump request `request(sequence)` builds and decodes every reply of type
    /// `messageType`. Retries (with a new sequence number) when the kernel flags the dump as
    /// interrupted by a concurrent change.
    public func dump<Record>(
        messageType: UInt16,
        context: String,
        request: (UInt32) -> [UInt8],
        decode: (NetlinkMessage) throws(NetlinkError) -> Record
    ) throws(GenericNetlinkError) -> [Record] {
        var attempt = 0
        while true {
            attempt += 1
            let sequence = nextSequence()
            var collector = NetlinkReplyCollector(sequence: sequence, expectation: .dump, byteLimit: dumpByteLimit)
            var records: [Record] = []
            do {
                try exchange(request(sequence), collector: &collector, context: context) {
                    message throws(NetlinkError) in
                    if message.header.type == messageType { records.append(try decode(message)) }
                }
                return records
            } catch let error where error.netlinkError?.code == .interrupted && attempt < Self.interruptedRetries {
                continue  // the table changed under us; a fresh dump is consistent again
            }
        }
    }

    /// Sends `request` and receives until `collector` says the exchange is complete.
    private func exchange(
        _ request: [UInt8],
        collector: inout NetlinkReplyCollector,
        context: String,
        onMessage: (NetlinkMessage) throws(NetlinkError) -> Void
    ) throws(GenericNetlinkError) {
        var kernel = Self.kernelAddress()
        let sent = request.withUnsafeBytes { bytes in
            kernel.withUnsafeMutableBytes { address in
                sendto(
                    descriptor,
                    bytes.baseAddress,
                    bytes.count,
                    0,
                    address.baseAddress!.assumingMemoryBound(to: sockaddr.self),
                    socklen_t(address.count)
                )
            }
        }
        if sent != request.count {
            throw GenericNetlinkError(
                .system,
                "cannot send request",
                context: context,
                systemError: SystemError("sendto")
            )
        }
        while true {
            var from = [UInt8](repeating: 0, count: 12)
            var fromLength = socklen_t(from.count)
            // MSG_TRUNC makes recvfrom return the datagram's real size, so an oversized one is
            // detected instead of being silently cut.
            let received = buffer.withUnsafeMutableBytes { bytes in
                from.withUnsafeMutableBytes { address in
                    recvfrom(
                        descriptor,
                        bytes.baseAddress,
                        bytes.count,
                        Int32(MSG_TRUNC),
                        address.baseAddress!.assumingMemoryBound(to: sockaddr.self),
                        &fromLength
                    )
                }
            }
            if received < 0 {
                let error = SystemError("recvfrom")
                if error.errno == EINTR { continue }
                if error.errno == EAGAIN || error.errno == EWOULDBLOCK {
                    throw GenericNetlinkError(
                        .timeout,
                        "no complete reply before the receive timeout",
                        context: context,
                        systemError: error
                    )
                }
                // ENOBUFS: the socket's receive queue overflowed and replies were dropped.
                throw GenericNetlinkError(.system, "receive failed", context: context, systemError: error)
            }
            if received > buffer.count {
                throw GenericNetlinkError(
                    .protocolError,
                    "a \(received)-byte datagram exceeded the \(buffer.count)-byte buffer",
                    context: context
                )
            }
            // Only the kernel (port 0) may answer; another process unicasting to our port is ignored.
            if Self.senderPort(from) != 0 { continue }
            let outcome = buffer.withUnsafeBytes { bytes in
                Result { () throws(NetlinkError) in
                    try collector.feed(UnsafeRawBufferPointer(rebasing: bytes[..<received]), onMessage: onMessage)
                }
            }
            switch outcome {
            case .success(.complete): return
            case .success(.needMore): continue
            case .failure(let error):
                throw GenericNetlinkError(
                    error.code == .limitExceeded ? .limitExceeded : .protocolError,
                    error.message,
                    context: context,
                    netlinkError: error
                )
            }
        }
    }

    private func nextSequence() -> UInt32 {
        sequence &+= 1
        if sequence == 0 { sequence = 1 }  // 0 is what unsolicited notifications carry
        return sequence
    }

    /// `struct sockaddr_nl` for the kernel (family AF_NETLINK, port 0, no groups), built as
    /// bytes because linux/netlink.h is not part of the Glibc module.
    private static func kernelAddress() -> [UInt8] {
        var address = [UInt8](repeating: 0, count: 12)
        withUnsafeBytes(of: UInt16(AF_NETLINK)) { address.replaceSubrange(0..<2, with: $0) }
        return address
    }

    private static func senderPort(_ address: [UInt8]) -> UInt32 {
        address.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self) }
    }
}
