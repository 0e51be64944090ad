import Foundation
import Glibc
import NetwardenTestSupport
import Testing

/// The daemon on a lab gateway delivers to a collector on the lab's internet side through an
/// outage of both kinds a school sees: the collector refusing connections (it is down), then
/// black-holed (a firewall or a dead route drops every packet, so requests time out). Data keeps
/// coming throughout; when the collector returns, every spooled record reaches it, in order per
/// series, and resends are recognisable by id.
@Suite(
    .requiresLab(.nft, .python3),
    .enabled(if: DaemonUnderTest.isBuilt, "needs the netwarden binary (swift build)"),
    .timeLimit(.minutes(3))
)
struct DeliveryOutageTests {
    typealias School = LabTopology.School

    @Test func refusedThenBlackholedCollectorLosesNothing() async throws {
        try await Lab.with(.school) { lab in
            let directory = lab.directory + "/delivery"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let collector = try await FaultyCollector.start(
                directory: directory,
                address: School.serviceIPv4,
                launcher: ["ip", "netns", "exec", try lab.namespace(School.internet)]
            )
            let state = directory + "/state"
            let config = directory + "/netwarden.toml"
            try FaultDaemonConfig(
                stateDirectory: state,
                collectorURL: collector.baseURL,
                tokenFile: directory + "/token",
                tcpProbes: 5,
                // A black-holed request gives up after a second instead of the default minute.
                timeoutSeconds: 1,
                connectTimeoutSeconds: 0.5
            ).write(to: config)
            let daemon = try await DaemonUnderTest(
                arguments: ["run", "--config", config],
                launcher: ["/usr/sbin/ip", "netns", "exec", try lab.namespace(School.gateway)]
            )
            try await daemon.waitForLog(containing: "netwarden ready")
            try await collector.waitFor("first deliveries", timeout: .seconds(30)) { $0.accepted.count >= 20 }

            // Down: connection refused for 20 s while the gateway keeps measuring.
            try await collector.set(.refuse)
            let refusedFrom = Self.nowMilliseconds
            try await Task.sleep(for: .seconds(20))
            #expect(daemon.process.isRunning)

            // Black-holed: listening again, but every packet to or from it is dropped.
            let blackhole = try await lab.addNFTable(
                in: School.internet,
                name: "nwl_blackhole",
                body: """
                    chain input {
                        type filter hook input priority -10; policy accept;
                        tcp dport \(collector.port) counter drop
                    }
                    chain output {
                        type filter hook output priority -10; policy accept;
                        tcp sport \(collector.port) counter drop
                    }
                    """
            )
            try await collector.set(.accept())
            let blackholedFrom = Self.nowMilliseconds
            try await Task.sleep(for: .seconds(20))
            #expect(daemon.process.isRunning)
            let dropped = try await lab.packetCounters(blackhole)
            #expect(dropped.first ?? 0 > 0, "the daemon kept trying during the black hole: \(dropped)")
            try await lab.removeNFTable(blackhole)
            let returnedAt = Self.nowMilliseconds

            // Caught up: the uploader sends oldest first, so a record made after the return
            // arriving means the whole backlog went before it.
            try await collector.waitFor("the backlog and then new records", timeout: .seconds(60)) { journal in
                journal.accepted.values.contains { $0.timestampMilliseconds > returnedAt + 2000 }
            }
            daemon.signal(SIGTERM)
            #expect(try await daemon.waitForExit(timeout: .seconds(10)).status == 0)

            let audit = DeliveryAudit(
                spooled: try SpooledSequences.read(stateDirectory: state),
                journal: collector.journal()
            )
            audit.expectNothingLostOrDuplicated()
            let duringRefusal = audit.journal.accepted.values.filter {
                (refusedFrom..<blackholedFrom).contains($0.timestampMilliseconds)
            }.count
            let duringBlackhole = audit.journal.accepted.values.filter {
                (blackholedFrom..<returnedAt).contains($0.timestampMilliseconds)
            }.count
            // Data made during both outages arrived afterwards.
            #expect(duringRefusal > 0 && duringBlackhole > 0, "\(audit)")
            let log = daemon.logLines
            #expect(log.contains { $0.contains("delivery failing; will retry") })
            #expect(log.contains { $0.contains("delivery resumed") })
            print(
                "outage: \(audit); \(duringRefusal) records made while refused, \(duringBlackhole) while "
                    + "black-holed; black hole dropped \(dropped) packets"
            )
        }
    }

    static var nowMilliseconds: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
