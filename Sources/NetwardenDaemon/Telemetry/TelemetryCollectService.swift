import Logging
import NetwardenTelemetry
import ServiceLifecycle

/// Publishes the numbers that live in other objects (daemon totals, spool and output
/// counters) on a fixed cadence by running the hub's collectors, so they reach the spool and
/// every output like any other sample, and keeps the STATUS summary's sample count current.
public struct TelemetryCollectService: Service {
    private let hub: TelemetryHub
    private let status: DaemonStatus
    private let interval: @Sendable () -> Duration

    public init(hub: TelemetryHub, status: DaemonStatus, interval: @escaping @Sendable () -> Duration) {
        self.hub = hub
        self.status = status
        self.interval = interval
    }

    public func run() async throws {
        while !ShutdownAware.shouldStop {
            hub.collect()
            let published = hub.latest(scope: "telemetry").first { $0.family == .samplesPublished }?.value ?? 0
            status.update { $0.samplesPublished = Int(published) }
            await ShutdownAware.sleep(for: interval())
        }
        // A last round so the final counters are spooled before the outputs drain.
        hub.collect()
    }
}
