import Foundation
import NetwardenDelivery
import NetwardenTelemetry
import NetwardenTestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct OutputUploaderTests {
    static let ok = DeliveryResponse.answered(status: 204, retryAfter: nil, message: "")

    /// Drives the uploader until it reports nothing left to send.
    static func drain(_ uploader: OutputUploader, limit: Int = 100) async {
        for _ in 0..<limit where await uploader.deliverOnce() {}
    }

    /// The record ids in every request, in order.
    static func ids(_ transport: ScriptedTransport) -> [[String]] {
        transport.recordLines.map { lines in
            lines.compactMap { line -> String? in
                guard let start = line.range(of: #""id":""#) else { return nil }
                return String(line[start.upperBound...].prefix { $0 != "\"" })
            }
        }
    }

    @Test func batchesGoOutInSpoolOrderAndAreAcknowledgedAfterA2xx() async {
        let queue = MemoryQueue()
        for value in 0..<5 { queue.append(Fixtures.samples(Double(value))) }
        let transport = ScriptedTransport([Self.ok])
        let uploader = Fixtures.uploader(queue: queue, transport: transport, maxRecords: 2)
        await Self.drain(uploader)
        #expect(Self.ids(transport) == [["r-1", "r-2"], ["r-3", "r-4"], ["r-5"]])
        #expect(queue.acknowledgedSequence(consumer: "trust") == 5)
        let statistics = await uploader.statistics
        #expect(statistics.sentRecords == 5)
        #expect(statistics.sentItems == 5)
        #expect(statistics.lastSuccessMilliseconds == 10_000)
    }

    @Test func retryableAnswersResendTheSameBatchHonouringRetryAfter() async {
        let queue = MemoryQueue()
        queue.append(Fixtures.samples(1))
        queue.append(Fixtures.samples(2))
        let transport = ScriptedTransport([
            .answered(status: 429, retryAfter: .seconds(7), message: "slow down"),
            .answered(status: 503, retryAfter: .seconds(2), message: "unavailable"),
            .answered(status: 500, retryAfter: nil, message: "oops"),
            Self.ok,
        ])
        let clock = ImmediateClock()
        let uploader = Fixtures.uploader(queue: queue, transport: transport, clock: clock)
        await Self.drain(uploader)
        #expect(Self.ids(transport) == Array(repeating: ["r-1", "r-2"], count: 4))
        // Retry-After exactly; then the jittered backoff ceiling for the third failure (1 s * 2^2).
        #expect(clock.sleeps == [.seconds(7), .seconds(2), .seconds(4)])
        #expect(await uploader.statistics.retries == 3)
        #expect(queue.acknowledgedSequence(consumer: "trust") == 2)
    }

    @Test func backoffGrowsExponentiallyToItsCapWhileTheServerIsDown() async {
        let queue = MemoryQueue()
        queue.append(Fixtures.samples(1))
        var script = Array(repeating: DeliveryResponse.failed(DeliveryFailure(.connection, "refused")), count: 9)
        script.append(Self.ok)
        let transport = ScriptedTransport(script)
        let clock = ImmediateClock()
        let uploader = Fixtures.uploader(queue: queue, transport: transport, clock: clock)
        await Self.drain(uploader)
        #expect(clock.sleeps.map { $0.components.seconds } == [1, 2, 4, 8, 16, 32, 60, 60, 60])
        #expect(transport.bodies.count == 10)
        #expect(queue.acknowledgedSequence(consumer: "trust") == 1)
    }

    @Test func aRejectedBatchIsDeadLetteredAndTheQueueMovesOn() async {
        let queue = MemoryQueue()
        queue.append(Fixtures.samples(1))
        queue.append(Fixtures.samples(2))
        let transport = ScriptedTransport([.answered(status: 400, retryAfter: nil, message: "bad labels"), Self.ok])
        let deadLetters = MemoryDeadLetters()
        let uploader = Fixtures.uploader(queue: queue, transport: transport, deadLetters: deadLetters, maxRecords: 1)
        await Self.drain(uploader)
        #expect(deadLetters.stored.map(\.status) == [400])
        #expect(deadLetters.stored.map(\.ids) == [["r-1"]])
        #expect(Self.ids(transport) == [["r-1"], ["r-2"]])
        #expect(queue.acknowledgedSequence(consumer: "trust") == 2)
        #expect(await uploader.statistics.deadLetterBatches == 1)
    }

    @Test func tooLargeHalvesTheBatchUntilItFits() async {
        let queue = MemoryQueue()
        for value in 0..<4 { queue.append(Fixtures.samples(Double(value))) }
        let tooLarge = DeliveryResponse.answered(status: 413, retryAfter: nil, message: "too large")
        let transport = ScriptedTransport([tooLarge, tooLarge, Self.ok])
        let uploader = Fixtures.uploader(queue: queue, transport: transport)
        await Self.drain(uploader)
        // The size that fitted stays: the server is not sent a too-large body again at once.
        #expect(
            Self.ids(transport) == [
                ["r-1", "r-2", "r-3", "r-4"], ["r-1", "r-2"], ["r-1"], ["r-2"], ["r-3"], ["r-4"],
            ]
        )
        #expect(queue.acknowledgedSequence(consumer: "trust") == 4)
    }

    @Test func theBatchGrowsBackAfterARunOfSuccesses() async {
        let queue = MemoryQueue()
        for value in 0..<40 { queue.append(Fixtures.samples(Double(value))) }
        let tooLarge = DeliveryResponse.answered(status: 413, retryAfter: nil, message: "too large")
        let transport = ScriptedTransport([tooLarge, Self.ok])
        let uploader = Fixtures.uploader(queue: queue, transport: transport, maxRecords: 4)
        await Self.drain(uploader)
        let sizes = Self.ids(transport).map(\.count)
        // 4 is refused, 2 fits ten times, then 4 again.
        #expect(Array(sizes.prefix(12)) == [4] + Array(repeating: 2, count: 10) + [4])
        #expect(queue.acknowledgedSequence(consumer: "trust") == 40)
    }

    @Test func aSingleRecordTooLargeIsDeadLettered() async {
        let queue = MemoryQueue()
        queue.append(Fixtures.samples(1))
        let transport = ScriptedTransport([.answered(status: 413, retryAfter: nil, message: "too large")])
        let deadLetters = MemoryDeadLetters()
        let uploader = Fixtures.uploader(queue: queue, transport: transport, deadLetters: deadLetters)
        await Self.drain(uploader)
        #expect(deadLetters.stored.map(\.status) == [413])
        #expect(queue.acknowledgedSequence(consumer: "trust") == 1)
    }

    @Test func authenticationFailuresAreRetriedSlowlyNeverDropped() async {
        let queue = MemoryQueue()
        queue.append(Fixtures.samples(1))
        let transport = ScriptedTransport([
            .answered(status: 401, retryAfter: nil, message: "bad token"),
            .answered(status: 403, retryAfter: nil, message: "forbidden"), Self.ok,
        ])
        let clock = ImmediateClock()
        let deadLetters = MemoryDeadLetters()
        let uploader = Fixtures.uploader(queue: queue, transport: transport, deadLetters: deadLetters, clock: clock)
        await Self.drain(uploader)
        #expect(deadLetters.stored.isEmpty)
        #expect(clock.sleeps == [.seconds(60), .seconds(60)])
        #expect(queue.acknowledgedSequence(consumer: "trust") == 1)
    }

    @Test func recordsAnOutputDoesNotCarryAreSkippedAndAcknowledged() async {
        let queue = MemoryQueue()
        queue.append(Fixtures.samples(1))
        queue.append(Fixtures.event("vle"))
        queue.append(Fixtures.samples(2))
        let transport = ScriptedTransport([Self.ok])
        let uploader = Fixtures.uploader(
            queue: queue,
            transport: transport,
            encoder: LokiEncoder(compressor: IdentityCompressor()),
            maxRecords: 1
        )
        await Self.drain(uploader)
        #expect(transport.bodies.count == 1)
        #expect(String(decoding: transport.bodies[0], as: UTF8.self).contains(#"\"subject\":\"vle\""#))
        #expect(queue.acknowledgedSequence(consumer: "trust") == 3)
    }

    @Test func anUndecodableRecordIsCountedAndSkipped() async {
        let queue = MemoryQueue()
        queue.appendRaw([0xFF, 0x00])
        queue.append(Fixtures.samples(1))
        let transport = ScriptedTransport([Self.ok])
        let uploader = Fixtures.uploader(queue: queue, transport: transport)
        await Self.drain(uploader)
        #expect(Self.ids(transport) == [["r-2"]])
        #expect(await uploader.statistics.undecodableRecords == 1)
    }

    @Test func aRestartedUploaderResumesAfterTheDurableAcknowledgement() async {
        let queue = MemoryQueue()
        for value in 0..<3 { queue.append(Fixtures.samples(Double(value))) }
        let first = ScriptedTransport([Self.ok])
        await Self.drain(Fixtures.uploader(queue: queue, transport: first, maxRecords: 2), limit: 1)
        queue.append(Fixtures.samples(9))
        let second = ScriptedTransport([Self.ok])
        await Self.drain(Fixtures.uploader(queue: queue, transport: second))
        #expect(Self.ids(first) == [["r-1", "r-2"]])
        #expect(Self.ids(second) == [["r-3", "r-4"]])
    }

    @Test func anOutageLosesNothingAndDuplicatesNothing() async {
        let queue = MemoryQueue()
        var script: [DeliveryResponse] = []
        for round in 0..<30 {
            script.append(
                round % 3 == 0
                    ? .failed(DeliveryFailure(.timeout, "timed out"))
                    : round % 3 == 1 ? .answered(status: 502, retryAfter: nil, message: "bad gateway") : Self.ok
            )
        }
        let transport = ScriptedTransport(script)
        let uploader = Fixtures.uploader(queue: queue, transport: transport, maxRecords: 3)
        for value in 0..<20 { queue.append(Fixtures.samples(Double(value))) }
        await Self.drain(uploader)
        // Only the answered-2xx requests count; their ids are each record once, in order.
        var delivered: [String] = []
        for (index, ids) in Self.ids(transport).enumerated() where index % 3 == 2 { delivered += ids }
        #expect(delivered == (1...20).map { "r-\($0)" })
    }

    @Test func selfMetricsReportBacklogAndAge() async {
        let queue = MemoryQueue()
        queue.append(Fixtures.samples(1), timestamp: 4_000)
        let uploader = Fixtures.uploader(queue: queue, transport: ScriptedTransport([Self.ok]))
        let before = await uploader.observations()
        #expect(before.first { $0.family == .outputBacklogRecords }?.value == 1)
        #expect(before.first { $0.family == .outputOldestUnsentAge }?.value == 6)
        await Self.drain(uploader)
        let after = await uploader.observations()
        #expect(after.first { $0.family == .outputBacklogRecords }?.value == 0)
        #expect(after.first { $0.family == .outputOldestUnsentAge }?.value == 0)
        #expect(after.first { $0.family == .outputLastSuccess }?.value == 10)
    }
}
