import Foundation
import NetwardenTestSupport
import Testing

/// `systemd/netwarden-collector.service`, checked offline as an administrator would:
/// `systemd-analyze security` must rate it 2.0 or lower.
@Suite(.timeLimit(.minutes(1)))
struct CollectorSystemdUnitTests {
    static let unitPath: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("systemd/netwarden-collector.service").path
    }()

    static let analyze: String? = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test(.enabled(if: analyze != nil, "needs systemd-analyze >= 250 (package systemd)"))
    func securityExposureIsAtMostTwo() async throws {
        let output = try await Command(
            [Self.analyze!, "security", "--offline=yes", "--no-pager", Self.unitPath],
            environment: ["SYSTEMD_COLORS": "0", "SYSTEMD_PAGER": "", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"]
        ).run(check: false)
        let text = output.standardOutputText + output.standardErrorText
        let match = try #require(
            text.firstMatch(of: #/Overall exposure level for \S+: ([0-9]+(?:\.[0-9]+)?)/#),
            "\(text)"
        )
        let exposure = try #require(Double(match.output.1))
        #expect(exposure <= 2.0, "\(text.split(separator: "\n").filter { $0.hasPrefix("✗") }.joined(separator: "\n"))")
    }

    @Test func unitRunsTheCollectorWithItsOwnStateAndNoCapabilities() throws {
        let text = try String(contentsOfFile: Self.unitPath, encoding: .utf8)
        let lines = Set(text.split(separator: "\n").map(String.init))
        #expect(
            lines.contains(
                "ExecStart=/usr/bin/netwarden-collector run --config /etc/netwarden-collector/collector.toml"
            )
        )
        #expect(lines.contains("StateDirectory=netwarden-collector"))
        #expect(lines.contains("CapabilityBoundingSet="))
        #expect(lines.contains("DynamicUser=yes"))
    }
}
