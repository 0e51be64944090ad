import Foundation
import Glibc
import NetwardenTestSupport
import Testing

/// How the daemon treats what a collector answers: 429 and 500 are retried (the same batch,
/// whole, after `Retry-After` when the server gives one), a 400 puts the batch in the
/// dead-letter file and the queue moves on, and /metrics counts both.
@Suite(
    .requiresPrograms(.python3),
    .enabled(if: DaemonUnderTest.isBuilt, "needs the netwarden binary (swift build)"),
    .timeLimit(.minutes(2))
)
struct DeliveryResponseTests {
    @Test func retryAfterIsHonouredAndA400IsDeadLettered() async throws {
        let scratch = try TemporaryDirectory(prefix: "nw-responses")
        let collector = try await FaultyCollector.start(directory: scratch.path)
        let state = scratch.path + "/state"
        let config = scratch.path + "/netwarden.toml"
        let metricsPort = try SilentTCPListener.closedPort()
        try FaultDaemonConfig(
            stateDirectory: state,
            collectorURL: collector.baseURL,
            tokenFile: scratch.path + "/token",
            metricsPort: metricsPort,
            tcpProbes: 3,
            // Backoff never exceeds 1 s, so only Retry-After explains a 2 s wait.
            maxBackoffSeconds: 1
        ).write(to: config)
        let daemon = try await DaemonUnderTest(arguments: ["run", "--config", config])
        try await daemon.waitForLog(containing: "netwarden ready")
        try await collector.waitFor("a first delivery", timeout: .seconds(30)) { !$0.accepted.isEmpty }

        try await collector.set(.answer(status: 429, retryAfter: 2))
        try await collector.waitFor("three 429s", timeout: .seconds(30)) { $0.requests(status: 429).count >= 3 }
        try await collector.set(.answer(status: 500))
        try await collector.waitFor("three 500s", timeout: .seconds(30)) { $0.requests(status: 500).count >= 3 }
        try await collector.set(.rejectOnce)
        let journal = try await collector.waitFor("a 400 and a delivery after it", timeout: .seconds(30)) { journal in
            guard let rejected = journal.requests(status: 400).first else { return false }
            return journal.requests.contains { $0.accepted && $0.number > rejected.number }
        }

        // Retried means resent whole: every 429, 500 and the 400 carry the same batch.
        let tooMany = journal.requests(status: 429)
        let failed = journal.requests(status: 500)
        let rejected = try #require(journal.requests(status: 400).first)
        let retried = tooMany + failed
        #expect(Set((retried + [rejected]).map(\.batch)) == [rejected.batch], "\(journal.summary)")
        #expect(retried.allSatisfy { $0.records.map(\.digest) == rejected.records.map(\.digest) })
        // Retry-After: 2 honoured: never asked again sooner (a lower bound only; load can
        // only make the gaps longer).
        for (earlier, later) in zip(tooMany, tooMany.dropFirst()) {
            #expect(later.arrival - earlier.arrival >= 1.9, "429 retry after \(later.arrival - earlier.arrival) s")
        }
        // The queue moved on: the next accepted batch starts right after the rejected one.
        let next = try #require(journal.requests.first { $0.accepted && $0.number > rejected.number })
        #expect(next.records.first?.sequence == rejected.batch + 1, "\(journal.summary)")

        // The dead-letter file: a header naming the status, then the batch as collector NDJSON.
        let deadLetterPath = state + "/dead-letter/trust.ndjson"
        let lines = try String(contentsOfFile: deadLetterPath, encoding: .utf8).split(separator: "\n")
        let firstLine = try #require(lines.first)
        let header = try #require(try JSONSerialization.jsonObject(with: Data(firstLine.utf8)) as? [String: Any])
        #expect(header["status"] as? Int == 400 && header["output"] as? String == "trust")
        #expect(header["records"] as? Int == rejected.records.count)
        let sampleIDs = rejected.records.map(\.id).filter { !$0.hasPrefix("event:") }
        for id in sampleIDs { #expect(lines.contains { $0.contains(#""id":"\#(id)""#) }, "\(id) not dead-lettered") }

        // /metrics agrees with what the collector answered (refreshed about once a second).
        let expectedRetries = Double(retried.count)
        _ = try await MetricsPage.waitFor("retry and dead-letter counts", port: metricsPort) { page in
            page.value("netwarden_output_retries_total", ["output": "trust"]) == expectedRetries
                && page.value("netwarden_output_dead_letter_batches_total", ["output": "trust"]) == 1
        }
        #expect(daemon.logLines.contains { $0.contains("server rejected a batch; kept in the dead-letter file") })

        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit(timeout: .seconds(10)).status == 0)
        let audit = DeliveryAudit(
            spooled: try SpooledSequences.read(stateDirectory: state),
            journal: collector.journal(),
            deadLettered: Set(rejected.records.map(\.sequence))
        )
        audit.expectNothingLostOrDuplicated()
        await collector.stop()
        print(
            "responses: \(tooMany.count) x 429, \(failed.count) x 500, 1 x 400 (\(rejected.records.count) records "
                + "dead-lettered); \(audit)"
        )
    }
}
