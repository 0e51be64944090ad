import NetwardenPlatform

/// Runs blocking capture work on a dedicated thread and awaits its result, so a capture loop
/// (poll, dispatch, engine) never occupies a Swift concurrency pool thread.
///
/// Cancelling the awaiting task sets the ``CaptureStopFlag`` the work polls; a live source sees
/// it within one stop-check interval and returns. The daemon's capture Service wraps this with
/// `cancelOnGracefulShutdown()`:
///
/// ```swift
/// let counters = try await CaptureRunner.run { stop in
///     let source = try LivePacketSource(interface: "lan0")
///     var engine = InspectionEngine(...)
///     try source.run(until: stop) { packet in
///         engine.process(frame: packet.frame, linkType: packet.linkType, time: packet.time) { sink.yield($0) }
///     }
///     return source.counters.snapshot
/// }
/// ```
///
/// The source is created inside the work so that the handle lives and dies on the one thread
/// that uses it (libpcap handles are not thread-safe).
public enum CaptureRunner {
    /// Runs `work` on a new thread and returns what it returns; cancellation of the calling task
    /// sets the stop flag instead of abandoning the thread. `threadName` names it in errors.
    public static func run<Value: Sendable>(
        threadName: String = "nw-capture",
        _ work: @escaping @Sendable (CaptureStopFlag) throws -> Value
    ) async throws -> Value {
        let flag = CaptureStopFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                // A pthread rather than Foundation's Thread: the daemon links FoundationEssentials only.
                let started = DetachedThread.start {
                    continuation.resume(with: Result { try work(flag) })
                }
                if !started {
                    continuation.resume(
                        throwing: CaptureError(.openFailed, "could not start a thread", source: threadName)
                    )
                }
            }
        } onCancel: {
            flag.stop()
        }
    }
}
