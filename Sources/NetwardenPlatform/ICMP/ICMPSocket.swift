import Glibc
import NetwardenCore
import NetwardenProtocols

/// One ICMP or ICMPv6 echo socket, owning its file descriptor (closed in deinit).
///
/// Two kinds, chosen per burst: an unprivileged ICMP *datagram* socket when
/// `net.ipv4.ping_group_range` admits our group (the kernel then owns the identifier: it is the
/// socket's bound "port"), else a *raw* socket, which needs CAP_NET_RAW and sees every ICMP
/// message on the host, so replies are filtered by identifier. A fresh socket per burst rotates
/// the identifier, which defeats firewalls that pin the first identifier they saw.
public final class ICMPSocket {
    public enum Kind: String, Sendable {
        case datagram, raw
    }

    public let family: ICMPEcho.Family
    public let kind: Kind
    /// The identifier replies will carry.
    public private(set) var identifier: UInt16
    private let descriptor: Int32

    /// Opens a socket. `preferDatagram` tries the unprivileged kind first.
    public init(
        family: ICMPEcho.Family,
        preferDatagram: Bool = true,
        interface: String? = nil,
        source: SocketAddress? = nil,
        identifier: UInt16 = UInt16.random(in: 1...UInt16.max)
    ) throws(SystemError) {
        self.family = family
        let domain = family == .v4 ? AF_INET : AF_INET6
        let proto = family == .v4 ? Int32(IPPROTO_ICMP) : Int32(IPPROTO_ICMPV6)
        var fd: Int32 = -1
        var kind = Kind.raw
        var datagramErrno: Int32 = 0
        if preferDatagram {
            fd = socket(
                domain,
                Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue),
                proto
            )
            if fd >= 0 { kind = .datagram } else { datagramErrno = errno }
        }
        if fd < 0 {
            fd = socket(
                domain,
                Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue),
                proto
            )
            if fd < 0 {
                // Report the more useful errno: EPERM/EACCES from raw tells the operator what to grant.
                throw SystemError("socket", errno: errno == 0 ? datagramErrno : errno, context: "opening ICMP socket")
            }
        }
        descriptor = fd
        self.kind = kind
        self.identifier = identifier

        if let interface {
            do {
                try InterfaceBinding.bind(fd, to: interface)
            } catch {
                close(fd)
                throw error
            }
        }
        // Kernel receive timestamps: RTTs exclude our own scheduling delay on the receive side.
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS_OLD, &on, socklen_t(MemoryLayout<Int32>.size))
        if family == .v4 {
            setsockopt(fd, Int32(IPPROTO_IP), IP_RECVTTL, &on, socklen_t(MemoryLayout<Int32>.size))
        } else {
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_RECVHOPLIMIT, &on, socklen_t(MemoryLayout<Int32>.size))
        }

        if kind == .datagram || source != nil {
            // For datagram sockets the bound port *is* the echo identifier; binding also applies
            // the source address when one is configured.
            var address = source ?? SocketAddress(numeric: family == .v4 ? "0.0.0.0" : "::")!
            address.port = kind == .datagram ? identifier : 0
            var status = address.withSockAddr { bind(fd, $0, $1) }
            if status != 0 && errno == EADDRINUSE && kind == .datagram {
                address.port = 0
                status = address.withSockAddr { bind(fd, $0, $1) }
            }
            if status != 0 {
                let error = SystemError("bind", context: "binding ICMP socket to \(address)")
                close(fd)
                throw error
            }
            if kind == .datagram {
                var storage = sockaddr_storage()
                var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
                withUnsafeMutablePointer(to: &storage) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
                }
                if let bound = SocketAddress(storage: storage) { self.identifier = bound.port }
            }
        }
    }

    deinit { close(descriptor) }

    /// Sends one echo request; returns the monotonic send time in nanoseconds.
    public func send(sequence: UInt16, to destination: SocketAddress, payloadSize: Int) throws(SystemError) -> Int64 {
        let packet = ICMPEcho.request(
            family: family,
            identifier: identifier,
            sequence: sequence,
            payloadSize: payloadSize
        )
        let sentAt = MonotonicClock.nanoseconds()
        let result = packet.withUnsafeBytes { bytes in
            destination.withSockAddr { sendto(descriptor, bytes.baseAddress, bytes.count, 0, $0, $1) }
        }
        if result < 0 { throw SystemError("sendto", context: "sending echo request to \(destination)") }
        return sentAt
    }

    /// A received echo reply for our identifier, with its receive time on the monotonic clock.
    public struct Received: Sendable {
        public var sequence: UInt16
        public var receivedAtNanoseconds: Int64
        public var ttl: UInt8?
    }

    /// Waits up to `timeoutNanoseconds` for the socket to become readable.
    public func waitReadable(timeoutNanoseconds: Int64) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: max(0, (timeoutNanoseconds + 999_999) / 1_000_000))
        return poll(&entry, 1, milliseconds) > 0
    }

    /// Reads one datagram without blocking: nil when nothing is queued; `.some(nil)` when
    /// something arrived that is not a reply to us (other hosts' pings on a raw socket, errors).
    public func receive() -> Received?? {
        var buffer = [UInt8](repeating: 0, count: 1500)
        var control = [UInt8](repeating: 0, count: 256)
        let (count, controlLength): (Int, Int) = buffer.withUnsafeMutableBytes { data in
            control.withUnsafeMutableBytes { controlBytes in
                var iov = iovec(iov_base: data.baseAddress, iov_len: data.count)
                return withUnsafeMutablePointer(to: &iov) { iovPointer in
                    var message = msghdr()
                    message.msg_iov = iovPointer
                    message.msg_iovlen = 1
                    message.msg_control = controlBytes.baseAddress
                    message.msg_controllen = controlBytes.count
                    let received = recvmsg(descriptor, &message, 0)
                    return (received, Int(message.msg_controllen))
                }
            }
        }
        let monotonicNow = MonotonicClock.nanoseconds()
        let realtimeNow = MonotonicClock.realtimeNanoseconds()
        guard count >= 0 else { return nil }
        let ancillary = Self.parseControl(control, length: controlLength)
        // Translate the kernel's realtime receive stamp to monotonic time: the two clock reads
        // above are back to back, so their difference is immune to clock steps in practice.
        var receivedAt = monotonicNow
        if let kernelRealtime = ancillary.timestampNanoseconds {
            let queueDelay = realtimeNow - kernelRealtime
            if queueDelay >= 0 && queueDelay < 1_000_000_000 { receivedAt = monotonicNow - queueDelay }
        }
        let reply = buffer.withUnsafeBytes { bytes in
            ICMPEcho.parseReply(
                UnsafeRawBufferPointer(rebasing: bytes[..<count]),
                family: family,
                includesIPv4Header: kind == .raw && family == .v4
            )
        }
        guard let reply, kind == .datagram || reply.identifier == identifier else { return .some(nil) }
        return .some(
            Received(sequence: reply.sequence, receivedAtNanoseconds: receivedAt, ttl: reply.ttl ?? ancillary.ttl)
        )
    }

    /// Walks `struct cmsghdr` records by hand: CMSG_FIRSTHDR/CMSG_NXTHDR are macros Swift cannot
    /// call. Linux x86-64/arm64 layout: size_t len, int level, int type, data aligned to size_t.
    static func parseControl(_ control: [UInt8], length: Int) -> (timestampNanoseconds: Int64?, ttl: UInt8?) {
        var timestamp: Int64?
        var ttl: UInt8?
        let headerSize = MemoryLayout<cmsghdr>.size
        let alignment = MemoryLayout<Int>.size
        var offset = 0
        control.withUnsafeBytes { raw in
            while offset + headerSize <= min(length, raw.count) {
                let header = raw.loadUnaligned(fromByteOffset: offset, as: cmsghdr.self)
                let recordLength = Int(header.cmsg_len)
                guard recordLength >= headerSize, offset + recordLength <= raw.count else { break }
                let data = offset + headerSize
                if header.cmsg_level == SOL_SOCKET && header.cmsg_type == SO_TIMESTAMPNS_OLD
                    && recordLength - headerSize >= MemoryLayout<timespec>.size
                {
                    let stamp = raw.loadUnaligned(fromByteOffset: data, as: timespec.self)
                    timestamp = Int64(stamp.tv_sec) * 1_000_000_000 + Int64(stamp.tv_nsec)
                } else if (header.cmsg_level == Int32(IPPROTO_IP) && header.cmsg_type == IP_TTL)
                    || (header.cmsg_level == Int32(IPPROTO_IPV6) && header.cmsg_type == IPV6_HOPLIMIT)
                {
                    if recordLength - headerSize >= 4 {
                        ttl = UInt8(clamping: raw.loadUnaligned(fromByteOffset: data, as: Int32.self))
                    } else if recordLength - headerSize >= 1 {
                        ttl = raw[data]
                    }
                }
                offset += (recordLength + alignment - 1) / alignment * alignment
            }
        }
        return (timestamp, ttl)
    }
}
