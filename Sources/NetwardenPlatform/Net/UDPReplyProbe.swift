import Glibc
import NetwardenCore

/// Asks a UDP port whether a server listens there by sending one datagram its protocol must
/// answer without a handshake (``Payload``), so bypass routes over UDP (QUIC, DNS over QUIC,
/// OpenVPN, IKE) can be found reachable. Silence proves nothing on its own: the caller judges it
/// against a control.
public struct UDPReplyProbe: Sendable {
    /// Datagrams that draw an answer from a listening server.
    public enum Payload {
        /// A QUIC long-header packet with a reserved version (0x?a?a?a?a, RFC 9000 section 15),
        /// which any QUIC server answers with Version Negotiation (RFC 8999); padded to 1200
        /// bytes, the least a server accepts as an Initial.
        public static func quicVersionNegotiation() -> [UInt8] {
            var bytes: [UInt8] = [0xc0, 0x1a, 0x2a, 0x3a, 0x4a, 8]
            bytes += (0..<8).map { _ in UInt8.random(in: 0...255) }
            bytes.append(8)
            bytes += (0..<8).map { _ in UInt8.random(in: 0...255) }
            bytes += [UInt8](repeating: 0, count: 1200 - bytes.count)
            return bytes
        }

        /// OpenVPN's P_CONTROL_HARD_RESET_CLIENT_V2 (opcode 7, key id 0), a random session id, no
        /// acknowledgements, packet id 0: a server without tls-auth/tls-crypt answers with its
        /// own hard reset. (With tls-auth the server stays silent: such a server cannot be seen.)
        public static func openVPNHardReset() -> [UInt8] {
            [0x38] + (0..<8).map { _ in UInt8.random(in: 0...255) } + [0x00, 0, 0, 0, 0]
        }

        /// An IKEv2 IKE_SA_INIT header (RFC 7296 section 3.1) with no payloads: responders answer
        /// it with an error notification (INVALID_SYNTAX), which is enough to show they listen.
        public static func ikeSAInit() -> [UInt8] {
            (0..<8).map { _ in UInt8.random(in: 0...255) }  // initiator SPI
                + [UInt8](repeating: 0, count: 8)  // responder SPI
                + [0x00, 0x20, 34, 0x08]  // next payload none, version 2.0, IKE_SA_INIT, initiator
                + [0, 0, 0, 0]  // message id
                + [0, 0, 0, 28]  // length
        }
    }

    public var payload: [UInt8]
    public var destination: SocketAddress
    public var timeout: Duration
    public var interface: String?
    public var source: SocketAddress?

    public init(
        payload: [UInt8],
        destination: SocketAddress,
        timeout: Duration = .seconds(5),
        interface: String? = nil,
        source: SocketAddress? = nil
    ) {
        self.payload = payload
        self.destination = destination
        self.timeout = timeout
        self.interface = interface
        self.source = source
    }

    public struct Result: Sendable {
        /// A datagram came back.
        public var answered = false
        public var failure: ProbeFailureReason?
        public var failureDetail: String?
    }

    public func run() -> Result {
        let fd: Int32
        do throws(SystemError) {
            fd = try ProbeSocket.open(
                type: SOCK_DGRAM,
                protocolName: "UDP",
                destination: destination,
                interface: interface,
                source: source
            )
        } catch {
            return failed(error)
        }
        defer { close(fd) }
        // Connected, so an ICMP port unreachable comes back as ECONNREFUSED on the next receive.
        if destination.withSockAddr({ connect(fd, $0, $1) }) != 0 {
            return failed(SystemError("connect", context: "connecting to \(destination):\(destination.port)"))
        }
        let packet = payload
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
