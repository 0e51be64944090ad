import Synchronization

/// A one-way stop signal shared between an async caller and a capture thread.
public final class CaptureStopFlag: Sendable {
    private let stopped = Atomic(false)

    public init() {}

    /// True once ``stop()`` was called; cheap enough to check between every batch.
    public var isStopped: Bool { stopped.load(ordering: .relaxed) }

    public func stop() { stopped.store(true, ordering: .relaxed) }
}
