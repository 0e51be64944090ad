import Glibc

/// A TCP socket on 127.0.0.1 that listens but never accepts: the kernel completes the
/// handshake from the backlog, so a client connects, sends its request and then hears nothing,
/// which is how a hung server or a black-holing middlebox looks. Closed in deinit.
public final class SilentTCPListener: Sendable {
    public let port: UInt16
    private let fd: Int32

    public init() throws(LabError) {
        (fd, port) = try Self.bound(listening: true)
    }

    deinit { close(fd) }

    /// A loopback port nothing listens on (bound, then closed again), for "connection refused".
    public static func closedPort() throws(LabError) -> UInt16 {
        let (fd, port) = try bound(listening: false)
        close(fd)
        return port
    }

    private static func bound(listening: Bool) throws(LabError) -> (Int32, UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw LabError(code: .serverFailed, message: "socket: \(POSIXErrorText.current())") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && (!listening || listen(fd, 16) == 0) && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else {
            let reason = POSIXErrorText.current()
            close(fd)
            throw LabError(code: .serverFailed, message: "loopback listener: \(reason)")
        }
        return (fd, UInt16(bigEndian: address.sin_port))
    }
}
