import Glibc

/// A socket owned by one object that closes it in deinit; the lab's in-process clients use it
/// inside `Lab.withNamespace` so the socket lives in a lab namespace.
///
/// Blocking with SO_RCVTIMEO/SO_SNDTIMEO timeouts: clients run on the dedicated thread
/// `withNamespace` creates, never on the cooperative pool.
public final class LabSocket {
    public let fd: Int32

    /// Creates a socket of `type` (SOCK_STREAM, SOCK_DGRAM) for `address`'s family and connects
    /// it (for UDP, that fixes the peer). `timeout` bounds connect, every send and every receive.
    public init(connectingTo address: String, port: UInt16, type: Int32, timeout: Duration) throws(LabError) {
        var storage = try Self.socketAddress(address, port: port)
        let family = Int32(storage.ss_family)
        // A local until connected: once `fd` is set, a throwing init still runs deinit, which
        // would close the descriptor a second time, possibly someone else's by then.
        let descriptor = socket(family, type | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Self.failure("socket", address, port) }
        let seconds = timeout.components.seconds
        let microseconds = timeout.components.attoseconds / 1_000_000_000_000
        var interval = timeval(tv_sec: Int(seconds), tv_usec: Int(microseconds))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        // On Linux SO_SNDTIMEO also bounds a blocking connect.
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        let length = socklen_t(family == AF_INET ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size)
        let connected = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, length) }
        }
        guard connected == 0 else {
            let error = Self.failure("connect", address, port)
            close(descriptor)
            throw error
        }
        fd = descriptor
    }

    deinit { close(fd) }

    /// Sends all of `bytes` (MSG_NOSIGNAL: a reset peer must not kill the test process).
    public func send(_ bytes: [UInt8]) throws(LabError) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard count > 0 else { throw LabError(code: .clientFailed, message: "send: \(POSIXErrorText.current())") }
            offset += count
        }
    }

    /// One receive of up to `maximum` bytes; empty at end of stream. Throws on timeout.
    public func receive(maximum: Int = 65536) throws(LabError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maximum)
        let count = recv(fd, &buffer, maximum, 0)
        guard count >= 0 else { throw LabError(code: .clientFailed, message: "recv: \(POSIXErrorText.current())") }
        return Array(buffer[0..<count])
    }

    /// Everything until the peer closes.
    public func receiveAll() throws(LabError) -> [UInt8] {
        var all: [UInt8] = []
        while true {
            let chunk = try receive()
            if chunk.isEmpty { return all }
            all += chunk
        }
    }

    /// True if a TCP connection to `address`:`port` succeeds right now; for readiness polls.
    public static func canConnect(to address: String, port: UInt16) -> Bool {
        (try? LabSocket(connectingTo: address, port: port, type: Int32(SOCK_STREAM.rawValue), timeout: .seconds(1)))
            != nil
    }

    static func socketAddress(_ address: String, port: UInt16) throws(LabError) -> sockaddr_storage {
        var storage = sockaddr_storage()
        if address.contains(":") {
            var v6 = sockaddr_in6()
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            guard inet_pton(AF_INET6, address, &v6.sin6_addr) == 1 else {
                throw LabError(code: .clientFailed, message: "not an IPv6 address: \(address)")
            }
            withUnsafeMutableBytes(of: &storage) { raw in withUnsafeBytes(of: v6) { raw.copyMemory(from: $0) } }
        } else {
            var v4 = sockaddr_in()
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            guard inet_pton(AF_INET, address, &v4.sin_addr) == 1 else {
                throw LabError(code: .clientFailed, message: "not an IPv4 address: \(address)")
            }
            withUnsafeMutableBytes(of: &storage) { raw in withUnsafeBytes(of: v4) { raw.copyMemory(from: $0) } }
        }
        return storage
    }

    private static func failure(_ call: String, _ address: String, _ port: UInt16) -> LabError {
        LabError(code: .clientFailed, message: "\(call) to \(address) port \(port): \(POSIXErrorText.current())")
    }
}
