import Foundation
import NetwardenTestSupport
import Testing

/// A daemon run with delivery configured: a scratch directory, a config with the caller's
/// outputs, the daemon process, its /metrics and its local outbox (the oracle for what it
/// produced).
final class DeliveryScratch {
    let directory: TemporaryDirectory
    let metricsPort: UInt16
    var configPath: String { directory.path + "/netwarden.toml" }
    var stateDirectory: String { directory.path + "/state" }

    init() throws {
        directory = try TemporaryDirectory(prefix: "nw-delivery")
        metricsPort = try SilentTCPListener.closedPort()
    }

    func writeConfig(outputs: String, extra: String = "") throws {
        let text = """
            [identity]
            trust = "oak-trust"
            site = "oak-primary"
            gateway = "gw1"

            [interfaces]
            uplink = ["lo"]

            [daemon]
            state_directory = "\(stateDirectory)"

            [link]
            interval_seconds = 1

            [metrics]
            listen = "127.0.0.1:\(metricsPort)"

            \(extra)

            \(outputs)
            """
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func start() async throws -> DaemonUnderTest {
        try await DaemonUnderTest(arguments: ["run", "--config", configPath])
    }

    /// Every sample the daemon published, from its local outbox.
    func producedSamples() throws -> [(name: String, labels: [String: String], value: Double?, ts: Int64)] {
        let text = try String(contentsOfFile: stateDirectory + "/outbox/samples.jsonl", encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return (
                name: try #require(object["name"] as? String),
                labels: try #require(object["labels"] as? [String: String]),
                value: (object["value"] as? NSNumber)?.doubleValue,
                ts: try #require((object["ts"] as? NSNumber)?.int64Value)
            )
        }
    }

    /// One self-metric's value from /metrics (the first series whose labels contain `having`).
    func metric(_ name: String, having: String = "") async -> Double? {
        guard
            let text = try? await Command(["curl", "-sS", "--max-time", "5", "http://127.0.0.1:\(metricsPort)/metrics"])
                .run(check: false).standardOutputText
        else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            if !having.isEmpty && !line.contains(having) { continue }
            return line.split(separator: " ").last.flatMap { Double($0) }
        }
        return nil
    }

    /// Waits until `condition` holds, polling; false if `timeout` passed first.
    static func eventually(
        timeout: Duration = .seconds(30),
        _ condition: () async throws -> Bool
    ) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return try await condition()
    }

    static func nowMilliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
