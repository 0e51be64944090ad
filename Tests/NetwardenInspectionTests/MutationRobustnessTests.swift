import NetwardenInspection
import NetwardenProtocols
import NetwardenTestSupport
import Testing

/// Whole frames, valid ones mutated and pure noise, through a deliberately tiny engine (so pools
/// run dry and the table evicts): nothing may crash, hang or go uncounted.
@Suite struct MutationRobustnessTests {
    @Test func mutatedFramesNeverCrashTheEngine() {
        let corpus = InspectionCorpus.everything()
        #expect(corpus.count >= 20)
        let configuration = InspectionConfiguration(
            maxFlows: 16,
            maxConcurrentInspections: 2,
            streamCapacity: 2048,
            httpHeadCapacity: 256
        )
        var engine = InspectionEngine(configuration: configuration)
        var generator = SeededGenerator(seed: 0x5eed)
        var events = 0
        let iterations = 6000
        var time = Harness.time(0)
        for iteration in 0..<iterations {
            var frame = corpus[Int.random(in: 0..<corpus.count, using: &generator)]
            switch Int.random(in: 0..<10, using: &generator) {
            case 0:
                frame = Array(frame.prefix(Int.random(in: 0...frame.count, using: &generator)))
            case 1:
                frame = (0..<Int.random(in: 0..<200, using: &generator)).map { _ in
                    UInt8.random(in: 0...255, using: &generator)
                }
            case 2:
                frame += (0..<Int.random(in: 1..<64, using: &generator)).map { _ in
                    UInt8.random(in: 0...255, using: &generator)
                }
            default:
                // Mostly small edits past the Ethernet header, so decoding gets far enough for
                // the protocol parsers to see the damage.
                for _ in 0..<Int.random(in: 1...6, using: &generator) where frame.count > 14 {
                    let index = Int.random(in: 14..<frame.count, using: &generator)
                    frame[index] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            let linkType: LinkType = iteration % 50 == 0 ? .linuxSLL : .ethernet
            time.nanoseconds += 1_000_000
            if time.nanoseconds >= 1_000_000_000 {
                time.seconds += 1
                time.nanoseconds = 0
            }
            frame.withUnsafeBytes { raw in
                engine.process(frame: raw, linkType: linkType, time: time) { _ in events += 1 }
            }
            if iteration % 500 == 0 {
                time.seconds += Int64.random(in: 0...40, using: &generator)
                engine.expire(now: time) { _ in events += 1 }
            }
        }
        engine.finishAll(now: time) { _ in events += 1 }
        let statistics = engine.statistics
        #expect(statistics.packets == iterations)
        #expect(statistics.flowsActive == 0)
        #expect(statistics.flowsCreated > 0)
        #expect(events > 0)
    }
}
