import Glibc
import NetwardenCore

/// Times a TCP handshake to one address: SYN sent to connection established.
///
/// A non-blocking `connect` and `poll` rather than a blocking connect with SO_SNDTIMEO: the
/// timeout is then exact, and the errno after poll tells refused (RST) from unreachable (ICMP)
/// from silence (timeout), the three answers a technician needs.
public struct TCPConnectProbe: Sendable {
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
        /// Seconds from `connect` to established, when it succeeded.
        public var connectSeconds: Double?
        public var failure: ProbeFailureReason?
        public var failureDetail: String?
    }

    public func run() -> Result {
        let fd: Int32
        do throws(SystemError) {
            fd = try ProbeSocket.open(
                type: SOCK_STREAM,
                protocolName: "TCP",
                destination: destination,
                interface: interface,
                source: source
            )
        } catch {
            return failed(error)
        }
        defer { close(fd) }
        let start = MonotonicClock.nanoseconds()
        let status = destination.withSockAddr { connect(fd, $0, $1) }
        if status != 0 && errno != EINPROGRESS {
            return failed(SystemError("connect", context: "connecting to \(destination):\(destination.port)"))
        }
        if status != 0 {
            let deadline = start + ICMPBurst.nanoseconds(timeout)
            while true {
                let now = MonotonicClock.nanoseconds()
                if now >= deadline {
                    return Result(
                        failure: .timeout,
                        failureDetail: "no answer from \(destination):\(destination.port) within \(timeout)"
                    )
                }
                var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let ready = poll(&entry, 1, Int32(clamping: (deadline - now + 999_999) / 1_000_000))
                if ready < 0 && errno == EINTR { continue }
                if ready > 0 { break }
            }
            var pending: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &pending, &length)
            if pending != 0 {
                return failed(
                    SystemError("connect", errno: pending, context: "connecting to \(destination):\(destination.port)")
                )
            }
        }
        let elapsed = MonotonicClock.nanoseconds() - start
        return Result(connectSeconds: Double(elapsed) / 1e9)
    }

    private func failed(_ error: SystemError) -> Result {
        Result(
            failure: error.errno == ETIMEDOUT ? .timeout : ICMPBurst.reason(for: error.errno),
            failureDetail: error.description
        )
    }
}
