import Synchronization

/// Set by a posting task's cancellation handler, read by curl's progress callback on the upload
/// thread (which curl calls at least once a second, even on a stalled connection), so a
/// shutdown never waits out a whole request timeout.
final class TransferCancellation: Sendable {
    private let flag = Atomic(false)

    var isCancelled: Bool { flag.load(ordering: .relaxed) }

    func cancel() { flag.store(true, ordering: .relaxed) }
}
