import Synchronization

/// Output lines and the exit status of a background process, with waiters that are woken when
/// either changes.
final class OutputLog: Sendable {
    struct Snapshot: Sendable {
        var lines: [BackgroundProcess.Line] = []
        var termination: Termination?
    }

    private struct State {
        var snapshot = Snapshot()
        var partial: [Bool: [UInt8]] = [:]
        /// Each waiter re-checks its condition on every change and returns true once it has
        /// resumed its continuation.
        var waiters: [Int: @Sendable (Snapshot) -> Bool] = [:]
        var nextWaiter = 0
    }

    /// Lines beyond this are dropped (oldest first) so a chatty server cannot eat memory.
    private static let maximumLines = 200_000
    private let state = Mutex(State())

    var snapshot: Snapshot { state.withLock { $0.snapshot } }

    func append(_ bytes: [UInt8], isStandardError: Bool) {
        update { state in
            var partial = state.partial[isStandardError, default: []] + bytes
            while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
                let text = String(decoding: partial[..<newline], as: UTF8.self)
                state.snapshot.lines.append(.init(isStandardError: isStandardError, text: text))
                partial.removeSubrange(...newline)
            }
            state.partial[isStandardError] = partial
            if state.snapshot.lines.count > Self.maximumLines {
                state.snapshot.lines.removeFirst(state.snapshot.lines.count - Self.maximumLines)
            }
        }
    }

    func finish(_ termination: Termination) {
        update { state in
            // A last line without a newline is still a line.
            for (isStandardError, partial) in state.partial where !partial.isEmpty {
                let text = String(decoding: partial, as: UTF8.self)
                state.snapshot.lines.append(.init(isStandardError: isStandardError, text: text))
            }
            state.partial = [:]
            state.snapshot.termination = termination
        }
    }

    private func update(_ body: (inout State) -> Void) {
        state.withLock { state in
            body(&state)
            // Waiters resume themselves from their check; finished ones are removed.
            let snapshot = state.snapshot
            state.waiters = state.waiters.filter { !$0.value(snapshot) }
        }
    }

    /// Waits until `check` returns a value (or throws), or `timeout` passes.
    func wait<T: Sendable>(
        timeout: Duration,
        _ check: @escaping @Sendable (Snapshot) throws -> T?,
        onTimeout: @escaping @Sendable () -> any Error
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await self.wait(check) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw onTimeout()
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    private func wait<T: Sendable>(_ check: @escaping @Sendable (Snapshot) throws -> T?) async throws -> T {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        // A continuation resumed exactly once: by the check (under the lock) or by cancellation
        // (which removes the waiter under the same lock first).
        let cancelled = Mutex<(@Sendable () -> Void)?>(nil)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let finish: @Sendable (Snapshot) -> Bool = { snapshot in
                    do {
                        guard let value = try check(snapshot) else { return false }
                        continuation.resume(returning: value)
                    } catch {
                        continuation.resume(throwing: error)
                    }
                    return true
                }
                state.withLock { state in
                    if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                    } else if !finish(state.snapshot) {
                        state.waiters[id] = finish
                        cancelled.withLock { $0 = { continuation.resume(throwing: CancellationError()) } }
                    }
                }
            }
        } onCancel: {
            let removed = state.withLock { $0.waiters.removeValue(forKey: id) != nil }
            if removed, let resume = cancelled.withLock({ $0 }) { resume() }
        }
    }
}
