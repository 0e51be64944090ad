import Foundation
import Glibc
import NetwardenSpool
import NetwardenTestSupport
import Testing

/// The child process the crash test kills.
enum StressChild {
    /// Next to the test bundle, where `swift build` puts executables.
    static var path: String {
        let directory = (DaemonUnderTest.binaryPath as NSString).deletingLastPathComponent
        return directory + "/netwarden-spool-stress"
    }

    static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: path) }
}

/// kill -9 at random moments while a child process appends as fast as it can.
@Suite(
    .enabled(if: StressChild.isBuilt, "needs netwarden-spool-stress (swift build --build-tests)"),
    .timeLimit(.minutes(3))
)
struct SpoolCrashTests {
    @Test func everyReturnedAppendSurvivesKillNineExactlyOnce() async throws {
        try await withAsyncTemporaryDirectory { directory in
            var generator = SeededGenerator(seed: UInt64(getpid()))
            var nextCounter: UInt64 = 0
            var ids = Set<String>()
            var lastSequence: UInt64 = 0
            for round in 0..<20 {
                let child = try await BackgroundProcess(
                    [StressChild.path, directory, String(nextCounter)],
                    name: "stress \(round)"
                )
                try await child.waitForLine(timeout: .seconds(20)) { _ in true }
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...150, using: &generator)))
                child.signal(SIGKILL)
                let termination = try await child.waitForExit(timeout: .seconds(10))
                #expect(termination == .signalled(SIGKILL), "\(child.lines.suffix(3))")
                // The last counter the child reported after append returned.
                let reported = child.lines.filter { !$0.isStandardError }.compactMap { UInt64($0.text) }.max()
                let confirmed = try #require(reported)

                let spool = try Spool.open(
                    SpoolConfiguration(directory: directory, segmentBytes: 64 << 10),
                    nowMilliseconds: 0
                )
                let records = SpoolTests.readAll(spool, after: lastSequence)
                let counters = records.map { UInt64(counter(of: $0.payload)) }
                // Every confirmed record is there once, in order; a few more may be (written but
                // killed before reporting), none is missing in between.
                #expect(counters == Array(nextCounter..<(nextCounter + UInt64(counters.count))), "round \(round)")
                #expect((counters.last ?? 0) >= confirmed, "round \(round): lost confirmed records")
                let sequences = records.map(\.sequence)
                #expect(zip(sequences, sequences.dropFirst()).allSatisfy { $0 < $1 })
                #expect(sequences.first.map { $0 > lastSequence } ?? true)
                for record in records { #expect(ids.insert(record.id).inserted) }
                #expect(spool.statistics.corruptRegionsSkipped == 0)
                lastSequence = sequences.last ?? lastSequence
                nextCounter = (counters.last ?? nextCounter - 1) + 1
                spool.close()
            }
            #expect(nextCounter > 1000)
        }
    }
}
