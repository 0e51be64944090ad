import Glibc
import NetwardenCore
import NetwardenProtocols

/// One DNS question to one resolver, over UDP with a TCP retry when the answer is truncated,
/// as a stub resolver does (RFC 7766). Blocking; the probe runs it on a thread of its own.
///
/// The UDP socket is `connect`ed to the resolver, so an ICMP port-unreachable surfaces as
/// ECONNREFUSED ("refused": nothing listens there) rather than as a silent timeout, and replies
/// from any other address are dropped by the kernel.
public struct DNSExchange: Sendable {
    public var server: SocketAddress
    public var name: String
    public var type: DNSRecordType
    public var timeout: Duration
    public var interface: String?
    public var source: SocketAddress?

    public init(
        server: SocketAddress,
        name: String,
        type: DNSRecordType,
        timeout: Duration = .seconds(5),
        interface: String? = nil,
        source: SocketAddress? = nil
    ) {
        self.server = server
        self.name = name
        self.type = type
        self.timeout = timeout
        self.interface = interface
        self.source = source
    }

    public struct Result: Sendable {
        /// The response code's name (NOERROR, NXDOMAIN, SERVFAIL, ...), once an answer arrived.
        public var rcode: String?
        /// Answer-section records as text: addresses, `CNAME name`, or the type name.
        public var answers: [String] = []
        /// The UDP answer had TC set and the final answer came over TCP.
        public var retriedOverTCP = false
        public var lookupSeconds: Double?
        public var failure: ProbeFailureReason?
        public var failureDetail: String?
    }

    public func run() -> Result {
        var result = Result()
        var query: [UInt8] = []
        let id = UInt16.random(in: 0...UInt16.max)
        do {
            try DNSQuery.encode(id: id, name: name, type: type, into: &query)
        } catch {
            result.failure = .error
            result.failureDetail = error.message
            return result
        }
        let start = MonotonicClock.nanoseconds()
        let deadline = start + ICMPBurst.nanoseconds(timeout)
        var response: [UInt8]
        switch exchangeUDP(query, id: id, deadline: deadline) {
        case .success(let bytes): response = bytes
        case .failure(let failure): return failed(failure, into: result)
        }
        if response.count >= 4 && response[2] & 0x02 != 0 {  // TC: the answer did not fit in UDP
            result.retriedOverTCP = true
            // TCP gets a full timeout of its own: the UDP round already proved the resolver is up.
            switch exchangeTCP(query, id: id, deadline: MonotonicClock.nanoseconds() + ICMPBurst.nanoseconds(timeout)) {
            case .success(let bytes): response = bytes
            case .failure(let failure): return failed(failure, into: result)
            }
        }
        result.lookupSeconds = Double(MonotonicClock.nanoseconds() - start) / 1e9
        interpret(response, into: &result)
        return result
    }

    private func interpret(_ response: [UInt8], into result: inout Result) {
        response.withUnsafeBytes { bytes in
            do {
                var reader = try DNSMessageReader(bytes)
                let code = reader.header.responseCode
                result.rcode = code.name
                while try reader.nextQuestion() != nil {}
                while let record = try reader.nextRecord() {
                    guard record.section == .answer else { continue }
                    switch record.data {
                    case .a(let address), .aaaa(let address): result.answers.append(address.description)
                    case .cname(let target): result.answers.append("CNAME \(target.description)")
                    case .serviceBinding(let binding):
                        result.answers.append("\(record.type) \(binding.priority) \(binding.target.description)")
                    case .other: result.answers.append("\(record.type)")
                    }
                }
                switch code {
                case .noError: break
                case .serverFailure: result.failure = .servfail
                case .refused: result.failure = .dnsRefused
                case .nameError: result.failure = .nxdomain
                default: result.failure = .error
                }
                if result.failure != nil { result.failureDetail = "\(server) answered \(code.name) for \(name)" }
            } catch {
                result.failure = .error
                result.failureDetail = "malformed answer from \(server): \(error)"
            }
        }
    }

    private func failed(_ failure: ExchangeFailure, into result: Result) -> Result {
        var result = result
        result.failure = failure.reason
        result.failureDetail = failure.detail
        return result
    }

    struct ExchangeFailure: Error {
        var reason: ProbeFailureReason
        var detail: String
    }

    private func openSocket(_ type: Int32) -> Swift.Result<Int32, ExchangeFailure> {
        let domain = server.family == .v4 ? AF_INET : AF_INET6
        let fd = socket(domain, type | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure(systemFailure(SystemError("socket"))) }
        if let interface {
            do throws(SystemError) {
                try InterfaceBinding.bind(fd, to: interface)
            } catch {
                close(fd)
                return .failure(systemFailure(error))
            }
        }
        if let source, source.withSockAddr({ bind(fd, $0, $1) }) != 0 {
            let error = SystemError("bind", context: "binding to \(source)")
            close(fd)
            return .failure(systemFailure(error))
        }
        return .success(fd)
    }

    private func systemFailure(_ error: SystemError) -> ExchangeFailure {
        ExchangeFailure(reason: ICMPBurst.reason(for: error.errno), detail: error.description)
    }

    private var timeoutFailure: ExchangeFailure {
        ExchangeFailure(reason: .timeout, detail: "no answer from \(server) port \(server.port) within \(timeout)")
    }

    /// Waits for `events` until `deadline`; false on timeout.
    private func wait(_ fd: Int32, _ events: Int32, until deadline: Int64) -> Bool {
        while true {
            let now = MonotonicClock.nanoseconds()
            if now >= deadline { return false }
            var entry = pollfd(fd: fd, events: Int16(events), revents: 0)
            let ready = poll(&entry, 1, Int32(clamping: (deadline - now + 999_999) / 1_000_000))
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { return false }
        }
    }

    private func exchangeUDP(_ query: [UInt8], id: UInt16, deadline: Int64) -> Swift.Result<[UInt8], ExchangeFailure> {
        let fd: Int32
        switch openSocket(Int32(SOCK_DGRAM.rawValue)) {
        case .success(let opened): fd = opened
        case .failure(let failure): return .failure(failure)
        }
        defer { close(fd) }
        if server.withSockAddr({ connect(fd, $0, $1) }) != 0 {
            return .failure(systemFailure(SystemError("connect", context: "DNS to \(server)")))
        }
        if query.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) < 0 {
            return .failure(systemFailure(SystemError("send", context: "DNS query to \(server)")))
        }
        var buffer = [UInt8](repeating: 0, count: 65_535)
        while wait(fd, POLLIN, until: deadline) {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                return .failure(systemFailure(SystemError("recv", context: "DNS answer from \(server)")))
            }
            // Ignore anything that is not the answer to this query (late answers to an earlier
            // run, spoofing attempts): match the id and the QR bit.
            guard count >= 12, buffer[0] == UInt8(id >> 8), buffer[1] == UInt8(id & 0xff), buffer[2] & 0x80 != 0 else {
                continue
            }
            return .success(Array(buffer[..<count]))
        }
        return .failure(timeoutFailure)
    }

    private func exchangeTCP(_ query: [UInt8], id: UInt16, deadline: Int64) -> Swift.Result<[UInt8], ExchangeFailure> {
        let fd: Int32
        switch openSocket(Int32(SOCK_STREAM.rawValue)) {
        case .success(let opened): fd = opened
        case .failure(let failure): return .failure(failure)
        }
        defer { close(fd) }
        if server.withSockAddr({ connect(fd, $0, $1) }) != 0 && errno != EINPROGRESS {
            return .failure(systemFailure(SystemError("connect", context: "DNS over TCP to \(server)")))
        }
        guard wait(fd, POLLOUT, until: deadline) else { return .failure(timeoutFailure) }
        var pending: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &pending, &length)
        if pending != 0 {
            return .failure(systemFailure(SystemError("connect", errno: pending, context: "DNS over TCP to \(server)")))
        }
        guard let framed = DNSTCPFraming.framed(query),
            framed.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == framed.count
        else {
            return .failure(systemFailure(SystemError("send", context: "DNS over TCP to \(server)")))
        }
        var stream: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while wait(fd, POLLIN, until: deadline) {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                return .failure(systemFailure(SystemError("recv", context: "DNS over TCP from \(server)")))
            }
            if count == 0 {
                return .failure(
                    ExchangeFailure(reason: .error, detail: "\(server) closed the TCP connection before answering")
                )
            }
            stream += chunk[..<count]
            // Copy the message out while the stream's storage is pinned.
            let message: [UInt8]?? = stream.withUnsafeBytes { bytes in
                switch DNSTCPFraming.next(in: bytes) {
                case .message(let message, _): .some(Array(message))
                case .needMoreData: .some(nil)
                case .invalid: nil
                }
            }
            switch message {
            case .some(.some(let answer)): return .success(answer)
            case .some(.none): continue
            case .none:
                return .failure(ExchangeFailure(reason: .error, detail: "invalid DNS-over-TCP framing from \(server)"))
            }
        }
        return .failure(timeoutFailure)
    }
}
