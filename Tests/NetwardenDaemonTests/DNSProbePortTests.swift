import Glibc
import NetwardenCore
import NetwardenDaemon
import Testing

/// A DNS probe asks on the port it was configured with: filters often answer DNS on a proxy
/// port, and 443 is a port a technician may well write.
@Suite(.timeLimit(.minutes(1))) struct DNSProbePortTests {
    @Test func aConfiguredPort443IsWhereTheQuestionGoes() async throws {
        let listener = try UDPListener(port: 443)
        let spec = ProbeSpec(
            name: "filter-dns",
            options: .dns(.init(resolver: "127.0.0.1", port: 443, query: "www.example.org", type: .a)),
            timeout: .milliseconds(300)
        )
        _ = await ProbeRunner().run(spec)
        let question = listener.receive()
        // A DNS question for www.example.org: the name's labels are in the datagram.
        #expect(question.count > 12)
        #expect(String(decoding: question, as: UTF8.self).contains("example"))
    }
}

/// A UDP socket on 127.0.0.1:`port` that receives whatever arrives; closed in deinit so a
/// failed expectation still frees the port.
final class UDPListener {
    let fd: Int32

    init(port: UInt16) throws {
        fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard fd >= 0, bound == 0 else {
            if fd >= 0 { close(fd) }
            throw ListenerError(port: port)
        }
        // The question is already queued when the probe returns; the timeout only stops a
        // broken probe from hanging the test.
        var interval = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// The first datagram, or nothing if none came.
    func receive() -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 2048)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count > 0 ? Array(buffer[0..<count]) : []
    }

    struct ListenerError: Error, CustomStringConvertible {
        var port: UInt16
        var description: String { "cannot bind 127.0.0.1:\(port): \(String(cString: strerror(errno)))" }
    }
}
