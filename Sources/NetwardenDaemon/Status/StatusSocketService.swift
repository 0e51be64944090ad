import Logging
import NetwardenPlatform
import NetwardenTelemetry
import ServiceLifecycle

/// Serves `StatusReport` on `[daemon] status_socket` (mode 0660 in a directory systemd creates
/// 0750 for the service, so only root and the service's group can read it). A socket that
/// cannot be created is logged once; the daemon runs on without it.
public struct StatusSocketService: Service {
    private let store: SettingsStore
    private let hub: TelemetryHub
    private let status: DaemonStatus
    private let alerts: AlertService
    private let delivery: DeliveryService
    private let logger: Logger

    public init(
        store: SettingsStore,
        hub: TelemetryHub,
        status: DaemonStatus,
        alerts: AlertService,
        delivery: DeliveryService,
        logger: Logger
    ) {
        self.store = store
        self.hub = hub
        self.status = status
        self.alerts = alerts
        self.delivery = delivery
        var logger = logger
        logger[metadataKey: "component"] = "status"
        self.logger = logger
    }

    public func run() async throws {
        while !ShutdownAware.shouldStop {
            let path = store.current.statusSocket
            guard !path.isEmpty else {
                await waitForChange(from: path)
                continue
            }
            let server: StatusSocketServer
            do {
                let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
                if !directory.isEmpty { try FileSystem.makeDirectories(directory, permissions: 0o750) }
                server = try StatusSocketServer(path: path)
            } catch {
                logger.error(
                    "status socket not available; `netwarden status` will not work",
                    metadata: ["error": "\(error)"]
                )
                await waitForChange(from: path)
                continue
            }
            let (store, hub, status, alerts, delivery) = (store, hub, status, alerts, delivery)
            server.serve {
                let settings = store.current
                return StatusReport.json(
                    settings: settings,
                    summary: status.snapshot.summary,
                    hub: hub,
                    alerts: alerts.open,
                    outputs: delivery.statusOutputs(settings.outputs),
                    now: hub.clock.nowMilliseconds()
                )
            }
            logger.info("status socket listening", metadata: ["path": "\(path)"])
            await waitForChange(from: path)
            server.close()
        }
    }

    private func waitForChange(from path: String) async {
        while !ShutdownAware.shouldStop && store.current.statusSocket == path {
            await ShutdownAware.sleep(for: .milliseconds(500))
        }
    }
}
