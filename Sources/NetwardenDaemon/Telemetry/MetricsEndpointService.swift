import Logging
import NetwardenMetricsEndpoint
import NetwardenTelemetry
import ServiceLifecycle

/// Serves `/metrics` on `[metrics] listen` (off when empty) with the hub's latest values, and
/// moves the endpoint when a reload changes the address.
///
/// Each scrape re-reads the collectors (spool and output counters) without spooling them, so
/// a scrape sees current self-metrics and does not add to what is delivered.
public struct MetricsEndpointService: Service {
    private let store: SettingsStore
    private let hub: TelemetryHub
    private let logger: Logger

    public init(store: SettingsStore, hub: TelemetryHub, logger: Logger) {
        self.store = store
        self.hub = hub
        var logger = logger
        logger[metadataKey: "component"] = "metrics"
        self.logger = logger
    }

    public func run() async throws {
        while !ShutdownAware.shouldStop {
            let listen = store.current.metricsListen
            guard !listen.isEmpty else {
                await waitForChange(from: listen)
                continue
            }
            let hub = self.hub
            let endpoint = MetricsEndpoint(listen: listen, logger: logger) {
                hub.refreshCollectors()
                return PrometheusTextEncoder.encode(hub.latest())
            }
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await endpoint.run() }
                group.addTask { await waitForChange(from: listen) }
                // Ends when the listen address changes or on shutdown (the endpoint follows
                // graceful shutdown itself; a changed address cancels it here).
                while let _ = await group.next() {
                    if ShutdownAware.shouldStop || store.current.metricsListen != listen {
                        group.cancelAll()
                        break
                    }
                }
            }
        }
    }

    private func waitForChange(from listen: String) async {
        while !ShutdownAware.shouldStop && store.current.metricsListen == listen {
            await ShutdownAware.sleep(for: .milliseconds(500))
        }
    }
}
