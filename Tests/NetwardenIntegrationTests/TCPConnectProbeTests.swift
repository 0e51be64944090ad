import Glibc
import NetwardenCore
import NetwardenPlatform
import Testing

@Suite(.timeLimit(.minutes(1))) struct TCPConnectProbeTests {
    /// A listening socket on an ephemeral loopback port.
    static func listener() throws -> (fd: Int32, port: UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = try #require(SocketAddress(numeric: "127.0.0.1"))
        #expect(address.withSockAddr { bind(fd, $0, $1) } == 0)
        #expect(listen(fd, 8) == 0)
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        address = try #require(SocketAddress(numeric: "127.0.0.1"))
        let port = withUnsafeBytes(of: storage) { UInt16(bigEndian: $0.load(as: sockaddr_in.self).sin_port) }
        return (fd, port)
    }

    @Test func anOpenPortConnects() throws {
        let (fd, port) = try Self.listener()
        defer { close(fd) }
        let result = TCPConnectProbe(destination: try #require(SocketAddress(numeric: "127.0.0.1", port: port))).run()
        #expect(result.failure == nil)
        #expect((result.connectSeconds ?? -1) >= 0)
    }

    @Test func aClosedPortIsRefusedNotATimeout() throws {
        let (fd, port) = try Self.listener()
        close(fd)  // the port is now closed: the kernel answers SYN with RST
        let result = TCPConnectProbe(destination: try #require(SocketAddress(numeric: "127.0.0.1", port: port))).run()
        #expect(result.failure == .refused)
        #expect(result.connectSeconds == nil)
    }

    @Test func aMissingInterfaceIsReported() throws {
        let result = TCPConnectProbe(
            destination: try #require(SocketAddress(numeric: "127.0.0.1", port: 9)),
            interface: "nw-nonexist0"
        ).run()
        #expect(result.failure == .noInterface || result.failure == .permissionDenied)
    }
}
