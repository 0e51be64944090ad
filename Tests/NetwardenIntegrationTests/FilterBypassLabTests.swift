import Foundation
import NetwardenTestSupport
import Synchronization
import Testing

/// Bypass exposure in the lab: an outside resolver (dnsmasq), a DNS-over-TLS port (nginx), a QUIC
/// server (a Version Negotiation responder) and OpenVPN and IKE ports (UDP responders) listen on
/// one internet address and are reachable;
/// the same services on a second address are dropped by the gateway's nftables. Reachable is a
/// finding (fail); blocked passes.
@Suite(
    .requiresLab(.nft, .dnsmasq, .nginx, .openssl),
    .enabled(if: DaemonUnderTest.isBuilt, "needs the netwarden binary (swift build)"),
    .timeLimit(.minutes(3))
)
struct FilterBypassLabTests {
    typealias School = LabTopology.School

    /// Tells the responder thread to end.
    final class StopFlag: Sendable {
        private let flag = Atomic(false)
        var isSet: Bool { flag.load(ordering: .relaxed) }
        func set() { flag.store(true, ordering: .relaxed) }
    }

    static let open = "10.200.100.20"
    static let closed = "10.200.100.21"

    /// Answers every UDP datagram on `address:port` with a QUIC Version Negotiation packet, until
    /// `stop` is set (checked every 100 ms), on a thread inside the lab host's namespace.
    static func quicResponder(
        _ lab: Lab,
        in host: String,
        address: String,
        port: UInt16,
        stop: StopFlag
    )
        -> Task<Void, any Error>
    {
        Task {
            try await lab.withNamespace(host) {
                let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
                guard fd >= 0 else { return }
                defer { close(fd) }
                var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                var local = sockaddr_in()
                local.sin_family = sa_family_t(AF_INET)
                local.sin_port = port.bigEndian
                inet_pton(AF_INET, address, &local.sin_addr)
                let bound = withUnsafePointer(to: &local) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
                guard bound == 0 else { return }
                var buffer = [UInt8](repeating: 0, count: 1500)
                while !stop.isSet {
                    var peer = sockaddr_storage()
                    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
                    let count = withUnsafeMutablePointer(to: &peer) { pointer in
                        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            recvfrom(fd, &buffer, buffer.count, 0, $0, &length)
                        }
                    }
                    guard count > 6 else { continue }
                    if buffer[0] & 0x80 == 0 || count < 1200 {
                        // Not a QUIC long header: echo it, as a VPN server answers its handshake.
                        _ = withUnsafePointer(to: &peer) { pointer in
                            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                                sendto(fd, buffer, count, 0, $0, length)
                            }
                        }
                        continue
                    }
                    // Version Negotiation (RFC 9000 17.2.1): version 0, the client's connection
                    // ids swapped, one supported version.
                    let dcidLength = Int(buffer[5])
                    guard count > 6 + dcidLength else { continue }
                    let dcid = Array(buffer[6..<6 + dcidLength])
                    let scidLength = Int(buffer[6 + dcidLength])
                    let scid = Array(buffer[(7 + dcidLength)..<min(count, 7 + dcidLength + scidLength)])
                    let reply: [UInt8] =
                        [0x80, 0, 0, 0, 0, UInt8(scid.count)] + scid + [UInt8(dcid.count)] + dcid + [0, 0, 0, 1]
                    _ = withUnsafePointer(to: &peer) { pointer in
                        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            sendto(fd, reply, reply.count, 0, $0, length)
                        }
                    }
                }
            }
        }
    }

    @Test func reachableOutsideResolversDoTAndQUICAreFindingsAndBlockedOnesPass() async throws {
        try await Lab.with(.school) { lab in
            for address in [Self.open, Self.closed] {
                try await lab.run(in: School.internet, ["ip", "addr", "add", address + "/32", "dev", "lo"])
            }
            var targets = ""
            for (suffix, address) in [("open", Self.open), ("blocked", Self.closed)] {
                for (name, port, probe) in [
                    ("dns", 53, "dns"), ("dot", 853, "tcp"), ("quic", 443, "quic"), ("openvpn", 1194, "openvpn"),
                    ("ike", 500, "ike"),
                ] {
                    targets += "[[filter_tests.bypass_target]]\nname = \"\(name)-\(suffix)\"\n"
                    targets += "address = \"\(address)\"\nport = \(port)\nprobe = \"\(probe)\"\n"
                }
            }
            let config = try await FilterTestLabTests.buildFilteringGateway(lab, bypassTargets: targets)
            _ = try await lab.startDNSServer(
                in: School.internet,
                .init(records: [.a("example.com", "192.0.2.1")], listenAddresses: [Self.open, Self.closed])
            )
            _ = try await lab.startHTTPServer(
                in: School.internet,
                .init(listenAddresses: [Self.open, Self.closed], httpPort: 853)
            )
            try await lab.addNFTable(
                in: School.gateway,
                name: "school_bypass",
                body: """
                    chain school_forward {
                        type filter hook forward priority 0; policy accept;
                        ip daddr \(Self.closed) drop
                    }
                    """
            )
            let stop = StopFlag()
            // One responder per UDP service and address; each answers whatever arrives, which is
            // all the probes need to see (the QUIC one answers as a real server would).
            var responders: [Task<Void, any Error>] = []
            for address in [Self.open, Self.closed] {
                for port: UInt16 in [443, 1194, 500] {
                    responders.append(
                        Self.quicResponder(lab, in: School.internet, address: address, port: port, stop: stop)
                    )
                }
            }
            defer { stop.set() }
            let (_, checks, _) = try await FilterTestLabTests.filterTest(lab, config: config)
            stop.set()
            for responder in responders { _ = try? await responder.value }
            for name in ["dns", "dot", "quic", "openvpn", "ike"] {
                let open = checks["bypass/\(name)-open"]
                #expect(open?["status"] as? String == "fail", "\(open ?? [:])")
                #expect(open?["expect"] as? String == "unreachable")
                let blocked = checks["bypass/\(name)-blocked"]
                #expect(blocked?["status"] as? String == "pass", "\(blocked ?? [:])")
            }
        }
    }
}
