import Glibc
import NetwardenCore

/// Asks a UDP port whether a QUIC server listens there, without a handshake: a long-header packet
/// with a reserved version (0x?a?a?a?a, RFC 9000 section 15) must be answered with Version
/// Negotiation by any QUIC server (RFC 8999), so an answer means QUIC (HTTP/3, DNS over QUIC)
/// gets through. The packet is padded to 1200 bytes, the least a server accepts as an Initial.
public struct QUICVersionProbe: Sendable {
    public var destination: SocketAddress
    public var timeout: Duration
    public var interface: String?
    public var source: SocketAddress?

    public init(
        destination: SocketAddress,
        timeout: Duration = .seconds(5),
        interface: String? = nil,
        source: SocketAddress? = nil
    ) {
        self.destination = destination
        self.timeout = timeout
        self.interface = interface
        self.source = source
    }

    public struct Result: Sendable {
        /// A datagram came back (Version Negotiation, or anything a QUIC server sends).
        public var answered = false
        public var failure: ProbeFailureReason?
        public var failureDetail: String?
    }

    /// The probe datagram: long header, reserved version, 8-byte connection ids, zero padding.
    public static func datagram() -> [UInt8] {
        var bytes: [UInt8] = [0xc0, 0x1a, 0x2a, 0x3a, 0x4a, 8]
        bytes += (0..<8).map { _ in UInt8.random(in: 0...255) }
        bytes.append(8)
        bytes += (0..<8).map { _ in UInt8.random(in: 0...255) }
        bytes += [UInt8](repeating: 0, count: 1200 - bytes.count)
        return bytes
    }

    public func run() -> Result {
        let domain = destination.family == .v4 ? AF_INET : AF_INET6
        let fd = socket(
            domain,
            Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue),
            0
        )
        guard fd >= 0 else { return failed(SystemError("socket", context: "opening UDP socket")) }
        defer { close(fd) }
        if let interface {
            do throws(SystemError) {
                try InterfaceBinding.bind(fd, to: interface)
            } catch {
                return failed(error)
            }
        }
        if let source, source.withSockAddr({ bind(fd, $0, $1) }) != 0 {
            return failed(SystemError("bind", context: "binding to \(source)"))
        }
        // Connected, so an ICMP port unreachable comes back as ECONNREFUSED on the next receive.
        if destination.withSockAddr({ connect(fd, $0, $1) }) != 0 {
            return failed(SystemError("connect", context: "connecting to \(destination):\(destination.port)"))
        }
        let packet = Self.datagram()
        if packet.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) < 0 {
            return failed(SystemError("send", context: "sending to \(destination):\(destination.port)"))
        }
        let deadline = MonotonicClock.nanoseconds() + ICMPBurst.nanoseconds(timeout)
        var buffer = [UInt8](repeating: 0, count: 1500)
        while true {
            let now = MonotonicClock.nanoseconds()
            if now >= deadline {
                return Result(
                    failure: .timeout,
                    failureDetail: "no answer from \(destination):\(destination.port) within \(timeout)"
                )
            }
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, Int32(clamping: (deadline - now + 999_999) / 1_000_000))
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { return Result(answered: true) }
            if count < 0 && errno != EAGAIN && errno != EINTR {
                return failed(SystemError("recv", context: "from \(destination):\(destination.port)"))
            }
        }
    }

    private func failed(_ error: SystemError) -> Result {
        Result(
            failure: error.errno == ETIMEDOUT ? .timeout : ICMPBurst.reason(for: error.errno),
            failureDetail: error.description
        )
    }
}
