import Logging
import ServiceLifecycle

/// Re-reads the configuration whenever a trigger arrives (SIGHUP in production; tests inject an
/// `AsyncStream`), so reload logic is testable without signals.
public struct ReloadService<Triggers: AsyncSequence & Sendable>: Service where Triggers.Element: Sendable {
    private let triggers: Triggers
    private let reload: @Sendable () async -> Void

    public init(triggers: Triggers, reload: @escaping @Sendable () async -> Void) {
        self.triggers = triggers
        self.reload = reload
    }

    public func run() async throws {
        for try await _ in triggers.cancelOnGracefulShutdown() {
            await reload()
        }
    }
}
