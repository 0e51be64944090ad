import Logging
import NetwardenCore
import NetwardenPlatform
import NetwardenTelemetry
import ServiceLifecycle

/// Samples Wi-Fi radio and station health (nl80211, else /proc/net/wireless) on the link
/// interval and publishes it to the hub (scope `wifi`). Weak signal and high retry rates are
/// alert rules (`wifi_signal_weak`, `wifi_retries_high`), not thresholds in here. On a gateway without Wi-Fi it costs one failed
/// generic-netlink lookup per interval and writes nothing.
public struct WifiSamplerService: Service {
    public static let livenessName = "wifi-sampler"
    public static let scope = "wifi"

    private let store: SettingsStore
    private let reader: WifiReader
    private let hub: TelemetryHub
    private let liveness: LivenessMonitor
    private let status: DaemonStatus
    private let logger: Logger

    public init(
        store: SettingsStore,
        reader: WifiReader = WifiReader(),
        hub: TelemetryHub,
        liveness: LivenessMonitor,
        status: DaemonStatus,
        logger: Logger
    ) {
        self.store = store
        self.reader = reader
        self.hub = hub
        self.liveness = liveness
        self.status = status
        var logger = logger
        logger[metadataKey: "component"] = "wifi"
        self.logger = logger
    }

    public func run() async throws {
        var lastSource: WifiSnapshot.Source?
        while !ShutdownAware.shouldStop {
            let settings = store.current
            liveness.register(
                Self.livenessName,
                maxSilence: settings.linkInterval * 2 + .seconds(10),
                gatesReadiness: false
            )
            if settings.linkEnabled {
                let reader = self.reader
                let reading = await BlockingWork.run("wifi") { reader.read() }
                let snapshot = reading.snapshot
                if snapshot.source != lastSource {
                    var metadata: Logger.Metadata = [
                        "source": "\(snapshot.source.rawValue)", "interfaces": "\(snapshot.interfaces.count)",
                    ]
                    if let error = reading.nl80211Error { metadata["nl80211"] = "\(error)" }
                    logger.info("wifi source", metadata: metadata)
                    lastSource = snapshot.source
                }
                hub.publish(scope: Self.scope, WifiObservations.observations(for: snapshot))
            } else {
                hub.retire(scope: Self.scope)
            }
            liveness.beat(Self.livenessName)
            await ShutdownAware.sleep(for: settings.linkInterval)
        }
    }
}
