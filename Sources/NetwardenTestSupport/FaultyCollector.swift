import Foundation
import Synchronization

/// A receiver for the collector ingest API (docs/ingest-api.md) whose behaviour a test switches
/// while the daemon delivers to it: answer 204 (optionally slowly), answer a fixed status (429
/// or 500, with or without `Retry-After`), reject the next batch with 400, or refuse
/// connections (stop listening). Black-holing is the network's job: put the collector in a lab
/// namespace and drop its traffic with an nftables rule.
///
/// Every request lands in a journal (see `IngestJournal`) before it is answered, so a test can
/// compare what arrived with what the daemon spooled. The process is a python3 script
/// (`FaultyCollectorScript`); in a lab, start it with `launcher: ["ip", "netns", "exec", NS]`.
public final class FaultyCollector: Sendable {
    /// What the collector does with the next requests.
    public enum Behaviour: Sendable, Equatable {
        /// 204 after `delay` (a slow collector when non-zero).
        case accept(delay: Duration = .zero)
        /// `status` for every request, with `Retry-After: retryAfter` seconds when given.
        case answer(status: Int, retryAfter: Int? = nil)
        /// 400 for the next request only, then `accept`.
        case rejectOnce
        /// No listening socket and open connections reset: clients see connection refused.
        case refuse
    }

    public let address: String
    public let port: UInt16
    public let process: BackgroundProcess
    private let controlPath: String
    private let journalPath: String
    private let generation = Mutex(0)

    /// `http://ADDRESS:PORT`: the output's `url` (the daemon appends `/api/v1/ingest`).
    public var baseURL: String { "http://\(address):\(port)" }

    private init(address: String, port: UInt16, process: BackgroundProcess, directory: String) {
        self.address = address
        self.port = port
        self.process = process
        self.controlPath = directory + "/faulty-collector.control"
        self.journalPath = directory + "/faulty-collector.journal"
    }

    /// Starts a collector listening on `address`:`port` (0: any free port) that keeps its files
    /// in `directory`, and returns once it listens. The caller stops it (`stop()`), or the lab
    /// does when it was started in one.
    public static func start(
        directory: String,
        address: String = "127.0.0.1",
        port: UInt16 = 0,
        launcher: [String] = []
    ) async throws -> FaultyCollector {
        let script = directory + "/faulty-collector.py"
        try FaultyCollectorScript.source.write(toFile: script, atomically: true, encoding: .utf8)
        let control = directory + "/faulty-collector.control"
        let journal = directory + "/faulty-collector.journal"
        try? FileManager.default.removeItem(atPath: control)
        _ = FileManager.default.createFile(atPath: journal, contents: nil)
        let process = try await BackgroundProcess(
            launcher + ["python3", "-u", script, address, String(port), control, journal],
            name: "faulty collector"
        )
        do {
            let line = try await process.waitForLine(timeout: .seconds(15)) { $0.hasPrefix("listening ") }
            let record = try JSONSerialization.jsonObject(with: Data(line.utf8.dropFirst("listening ".count)))
            guard let bound = (record as? [String: Any])?["port"] as? Int else {
                throw LabError(code: .serverFailed, message: "faulty collector printed \(line)")
            }
            return FaultyCollector(address: address, port: UInt16(bound), process: process, directory: directory)
        } catch {
            await process.terminate()
            throw error
        }
    }

    /// Stops the process (SIGTERM, then SIGKILL).
    public func stop() async { await process.terminate(grace: .seconds(1)) }

    /// Switches to `behaviour` and returns once the collector has applied it.
    public func set(_ behaviour: Behaviour) async throws {
        let next = generation.withLock { value in
            value += 1
            return value
        }
        var control: [String: Any] = ["generation": next]
        switch behaviour {
        case .accept(let delay):
            control["mode"] = "accept"
            control["delay"] = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
        case .answer(let status, let retryAfter):
            control["mode"] = "status"
            control["status"] = status
            if let retryAfter { control["retry_after"] = retryAfter }
        case .rejectOnce:
            control["mode"] = "reject-once"
        case .refuse:
            control["mode"] = "refuse"
        }
        // Atomic replace: the polling thread never reads half a file.
        try JSONSerialization.data(withJSONObject: control).write(
            to: URL(fileURLWithPath: controlPath),
            options: .atomic
        )
        try await process.waitForLine(timeout: .seconds(10)) { $0 == #"mode {"generation": \#(next)}"# }
    }

    /// Every request received so far, in arrival order.
    public func journal() -> IngestJournal {
        IngestJournal(text: (try? String(contentsOfFile: journalPath, encoding: .utf8)) ?? "")
    }

    /// Waits until `condition` holds for the journal, polling; throws after `timeout` with
    /// `describe` of the last journal so a failing test says how far delivery got.
    @discardableResult
    public func waitFor(
        _ what: String,
        timeout: Duration,
        _ condition: (IngestJournal) -> Bool
    ) async throws -> IngestJournal {
        let deadline = ContinuousClock.now + timeout
        while true {
            let journal = self.journal()
            if condition(journal) { return journal }
            if ContinuousClock.now >= deadline {
                throw LabError(
                    code: .serverFailed,
                    message: "faulty collector: no \(what) within \(timeout); \(journal.summary)\n"
                        + process.lines.suffix(20).map(\.description).joined(separator: "\n")
                )
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
