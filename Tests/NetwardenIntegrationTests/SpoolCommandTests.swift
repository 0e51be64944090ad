import Foundation
import NetwardenTestSupport
import Testing

/// `netwarden spool` tells a technician what is waiting per output and why one is failing.
@Suite(
    .enabled(if: DaemonUnderTest.isBuilt, "needs the netwarden binary (swift build)"),
    .timeLimit(.minutes(2))
)
struct SpoolCommandTests {
    static func spool(_ arguments: [String]) async throws -> CommandOutput {
        try await Command([DaemonUnderTest.binaryPath, "spool"] + arguments).run(check: false)
    }

    @Test(.requiresPrograms(.python3))
    func showsBacklogPerOutputAndWhichOneIsFailing() async throws {
        let scratch = try DeliveryScratch()
        try "token\n".write(toFile: scratch.directory.path + "/token", atomically: true, encoding: .utf8)
        let closed = try SilentTCPListener.closedPort()
        try await UploadTestServer.with(.http, directory: scratch.directory.path) { server in
            try scratch.writeConfig(
                outputs: """
                    [[outputs.collector]]
                    name = "trust"
                    url = "\(server.baseURL)"
                    token_file = "\(scratch.directory.path)/token"

                    [[outputs.remote_write]]
                    name = "down"
                    url = "http://user:secret@127.0.0.1:\(closed)/api/v1/write?key=hidden"
                    min_backoff_seconds = 0.1
                    max_backoff_seconds = 0.2
                    """
            )
            // Before the daemon ever ran with outputs there is no status: exit 2.
            #expect(try await Self.spool(["--state-directory", scratch.stateDirectory]).termination == .exited(2))
            let daemon = try await scratch.start()
            _ = try await daemon.waitForLog(containing: "netwarden ready")
            var output: CommandOutput?
            let failingSeen = try await DeliveryScratch.eventually {
                output = try await Self.spool(["--config", scratch.configPath])
                return output?.standardOutputText.contains("FAILING") == true
                    && output?.standardOutputText.contains("last success") == true
            }
            let text = output?.standardOutputText ?? ""
            #expect(failingSeen, "\(text)")
            #expect(output?.termination == .exited(1))
            #expect(text.contains("trust (collector) \(server.baseURL)/: ok") || text.contains("trust (collector)"))
            #expect(text.contains("down (remote_write) http://127.0.0.1:\(closed)/api/v1/write: FAILING"), "\(text)")
            #expect(text.contains("last error: connection"), "\(text)")
            #expect(!text.contains("secret") && !text.contains("hidden"), "credentials shown: \(text)")

            let json = try await Self.spool(["--config", scratch.configPath, "--json"])
            let object = try #require(
                JSONSerialization.jsonObject(with: Data(json.standardOutput)) as? [String: Any],
                "\(json.standardOutputText)"
            )
            let outputs = try #require(object["outputs"] as? [[String: Any]])
            #expect(outputs.map { $0["name"] as? String } == ["down", "trust"])  // by kind, as the config lists them
            daemon.signal(SIGTERM)
            _ = try await daemon.waitForExit()
        }
    }
}
