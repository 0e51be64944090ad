import Foundation
import NetwardenCollectorCore
import NetwardenCore
import NetwardenTestSupport
import Testing

/// The collector's config speaks the daemon's error language: `FILE:LINE: key: message`, every
/// problem at once, through the same TOML parser and table reader.
@Suite(.timeLimit(.minutes(1)))
struct CollectorConfigTests {
    @Test func defaultsAndTheShippedFileAgree() throws {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let shipped = try [UInt8](
            Data(contentsOf: url.appendingPathComponent("etc/netwarden-collector/collector.toml"))
        )
        let config = try CollectorConfig.parse(bytes: shipped, fileName: "collector.toml").get()
        #expect(config == CollectorConfig())
        #expect(config.server.listen.description == "127.0.0.1:9814")
        #expect(config.storage.database == "/var/lib/netwarden-collector/collector.sqlite")
        #expect(config.retention.complianceDays == 1095)
    }

    @Test func everyProblemIsReportedWithFileLineAndKey() {
        let text = """
            [server]
            listen = "localhost:9814"
            tls_certificate = "/etc/cert.pem"

            [storage]
            database = "relative.sqlite"

            [retention]
            samples_dayz = 3
            compliance_days = 5

            [ingestt]
            """
        let result = CollectorConfig.parse(bytes: Array(text.utf8), fileName: "c.toml")
        guard case .failure(let errors) = result else {
            Issue.record("accepted a bad file")
            return
        }
        let lines = errors.lines
        #expect(lines.count == 6, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("c.toml:2: server.listen: ") && $0.contains("not an IP address") })
        #expect(lines.contains { $0.hasPrefix("c.toml:3: server.tls_certificate: ") && $0.contains("tls_key") })
        #expect(lines.contains { $0.hasPrefix("c.toml:6: storage.database: ") && $0.contains("absolute path") })
        #expect(
            lines.contains {
                $0.hasPrefix("c.toml:9: retention.samples_dayz: unknown key; did you mean `samples_days`?")
            }
        )
        #expect(lines.contains { $0.hasPrefix("c.toml:10: retention.compliance_days: ") })
        #expect(
            lines.contains { $0.hasPrefix("c.toml:12: ingestt: unknown section [ingestt]; did you mean [ingest]?") }
        )
    }

    @Test(.enabled(if: collectorBuilt, "netwarden-collector is not built"))
    func checkConfigPrintsTheSameLinesAndExitsTwo() async throws {
        let directory = try TemporaryDirectory(prefix: "nw-collector-config")
        let path = directory.path + "/bad.toml"
        try "[server]\nlisten = \"127.0.0.1:99999\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        let output = try await Command([CollectorUnderTest.binaryPath, "check-config", path]).run(check: false)
        #expect(output.termination == .exited(2))
        #expect(output.standardErrorText.hasPrefix("\(path):2: server.listen: "), "\(output.standardErrorText)")
        let good = directory.path + "/good.toml"
        try "[server]\nlisten = \"127.0.0.1:9814\"\n".write(toFile: good, atomically: true, encoding: .utf8)
        let ok = try await Command([CollectorUnderTest.binaryPath, "check-config", good]).run()
        #expect(ok.standardOutputText.contains("OK"))
    }
}
