import ServiceLifecycle

/// Loop helpers for services: stop on cancellation *or* graceful shutdown, and sleep in a way
/// that a shutdown interrupts (so SIGTERM never waits out a 60-second probe interval).
enum ShutdownAware {
    static var shouldStop: Bool { Task.isCancelled || Task<Never, Never>.isShuttingDownGracefully }

    static func sleep(for duration: Duration) async {
        _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
    }

    static func sleep(until deadline: ContinuousClock.Instant) async {
        _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(until: deadline, clock: .continuous) }
    }
}
