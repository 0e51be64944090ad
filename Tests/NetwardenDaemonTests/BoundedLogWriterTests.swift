import Glibc
import NetwardenDaemon
import Testing

/// Logging into an output that stops reading: appends return at once, what does not fit is
/// counted, and nothing is lost or doubled once the output reads again.
@Suite(.timeLimit(.minutes(1)))
struct BoundedLogWriterTests {
    /// A pipe whose buffer is already full, as a stalled journal's would be.
    static func fullPipe() -> (read: Int32, write: Int32, prefill: Int) {
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0)
        let flags = fcntl(fds[1], F_GETFL)
        _ = fcntl(fds[1], F_SETFL, flags | O_NONBLOCK)
        var prefill = 0
        let byte: [UInt8] = [UInt8(ascii: "x")]
        while byte.withUnsafeBytes({ write(fds[1], $0.baseAddress, 1) }) == 1 { prefill += 1 }
        _ = fcntl(fds[1], F_SETFL, flags)
        return (fds[0], fds[1], prefill)
    }

    @Test func appendsNeverBlockAndWhatDoesNotFitIsCountedThenEveryOtherLineArrivesOnce() async throws {
        let pipe = Self.fullPipe()
        defer {
            close(pipe.read)
            close(pipe.write)
        }
        let writer = BoundedLogWriter(descriptor: pipe.write, journald: false, capacity: 4)
        // Returning from this loop at all is the point: every write(2) would block.
        for number in 0..<100 { writer.append("line \(number)") }
        // Four queued, at most one more taken by the writer thread; the rest dropped.
        #expect((95...96).contains(writer.dropped), "dropped \(writer.dropped)")

        // The output reads again: drain it on a thread of our own until the writer is done.
        let reader = Task.detached { () -> [UInt8] in
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(pipe.read, $0.baseAddress, $0.count) }
                if count <= 0 { return bytes }
                bytes += buffer[..<count]
                let lines = bytes.dropFirst(pipe.prefill).count { $0 == UInt8(ascii: "\n") }
                if lines + writer.dropped >= 100 { return bytes }
            }
        }
        let bytes = await reader.value
        #expect(writer.flush(timeout: .seconds(10)))
        let lines = String(decoding: bytes.dropFirst(pipe.prefill), as: UTF8.self).split(separator: "\n")
        #expect(lines.count + writer.dropped == 100)
        #expect(lines.first == "line 0", "the oldest lines are kept, the newest dropped")
        #expect(Set(lines).count == lines.count)
    }
}
