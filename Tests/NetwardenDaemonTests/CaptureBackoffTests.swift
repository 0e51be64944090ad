import NetwardenDaemon
import Testing

/// The wait between attempts to reopen a capture interface.
struct CaptureBackoffTests {
    @Test func doublesUpToTheCapAndStaysThere() {
        var backoff = CaptureBackoff(initial: .seconds(1), cap: .seconds(10))
        let waits = (0..<7).map { _ in backoff.next() }
        #expect(
            waits == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10), .seconds(10)]
        )
    }

    @Test func anInterfaceThatCapturedAgainStartsFromTheInitialWait() {
        var backoff = CaptureBackoff(initial: .milliseconds(500), cap: .seconds(60))
        _ = backoff.next()
        _ = backoff.next()
        backoff.reset()
        #expect(backoff.next() == .milliseconds(500))
    }
}
