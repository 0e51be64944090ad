import Foundation
import NetwardenTestSupport
import Testing

/// `netwarden probe ...` refuses what the config refuses, with the config's limits in the
/// message and exit status 64 (a usage error), and reports what it probed.
@Suite(.enabled(if: DaemonUnderTest.isBuilt, "needs the netwarden binary (swift build)"), .timeLimit(.minutes(1)))
struct ProbeCommandLineTests {
    static func run(_ arguments: [String]) async throws -> (output: [String], errors: [String], status: Int32) {
        let process = try await DaemonUnderTest(arguments: arguments)
        let exit = try await process.waitForExit(timeout: .seconds(30))
        return (process.outputLines, process.logLines, exit.status)
    }

    /// Each bad argument is a usage error naming the option and the range the config uses.
    @Test(
        arguments: [
            (
                ["probe", "icmp", "127.0.0.1", "--count", "100000"],
                "--count 100000 is out of range; expected 1 to 1000"
            ),
            (["probe", "icmp", "127.0.0.1", "--count", "1001"], "expected 1 to 1000"),
            (["probe", "tcp", "127.0.0.1", "--port", "0"], "--port 0 is out of range; expected 1 to 65535"),
            (["probe", "tcp", "127.0.0.1", "--port", "-1"], "--port -1 is out of range; expected 1 to 65535"),
            (["probe", "dns", "example.org", "--port", "70000"], "--port 70000 is out of range"),
            (
                ["probe", "icmp", "127.0.0.1", "--timeout", "0"],
                "--timeout 0 is out of range; expected 0.1 to 120 seconds"
            ),
            (["probe", "icmp", ""], "the host is empty"),
            (["probe", "tcp", "", "--port", "80"], "the host is empty"),
            (
                ["probe", "icmp", "127.0.0.1", "--count", "1000", "--interval", "0.01", "--timeout", "2"],
                "does not fit in --timeout 2"
            ),
            (["probe", "dns", "example.org", "--type", "BOGUS"], "is not a record type"),
        ]
    )
    func outOfRangeArgumentsAreUsageErrors(arguments: [String], message: String) async throws {
        let (_, errors, status) = try await Self.run(arguments)
        #expect(status == 64, "\(errors)")
        #expect(errors.contains { $0.contains(message) }, "\(errors)")
        #expect(!errors.contains { $0.contains("Missing value") }, "\(errors)")
    }

    /// `--port` reaches the DNS probe, and the report names the resolver and port it asked.
    @Test func dnsTakesAPortAndReportsItInTheTarget() async throws {
        let (output, errors, _) = try await Self.run([
            "probe", "dns", "www.example.org", "--resolver", "127.0.0.1", "--port", "5399", "--timeout", "0.5",
            "--json",
        ])
        let object = try #require(
            output.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.first,
            "\(output) \(errors)"
        )
        #expect(object["target"] as? String == "127.0.0.1:5399")
        #expect(object["resolver"] as? String == "127.0.0.1:5399")
    }

    /// Without `--resolver` the probe asks the system's first resolver and says which.
    @Test(.enabled(if: Self.systemResolverIsNumeric, "needs a nameserver in /etc/resolv.conf"))
    func dnsWithoutAResolverNamesTheSystemOne() async throws {
        let (output, errors, _) = try await Self.run(["probe", "dns", "www.example.org", "--timeout", "0.5", "--json"])
        let object = try #require(
            output.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.first,
            "\(output) \(errors)"
        )
        let target = try #require(object["target"] as? String)
        #expect(!target.isEmpty)
        #expect(target.hasPrefix(Self.firstNameserver ?? "?"))
    }

    static var firstNameserver: String? {
        guard let text = try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8) else { return nil }
        return text.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ")
            return fields.count >= 2 && fields[0] == "nameserver" ? String(fields[1]) : nil
        }.first
    }

    static var systemResolverIsNumeric: Bool { firstNameserver.map { !$0.contains("%") } ?? false }
}
