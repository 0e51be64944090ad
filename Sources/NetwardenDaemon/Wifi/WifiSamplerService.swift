import Logging
import NetwardenCore
import NetwardenPlatform
import NetwardenTelemetry
import ServiceLifecycle

/// Samples Wi-Fi radio and station health (nl80211, else /proc/net/wireless) on the link
/// interval and publishes it to the hub (scope `wifi`). On a gateway without Wi-Fi it costs one failed
/// generic-netlink lookup per interval and writes nothing.
public struct WifiSamplerService: Service {
    public static let livenessName = "wifi-sampler"
    public static let scope = "wifi"
    /// Below this a station-mode uplink is unreliable for lessons (typical -75 dBm guidance).
    public static let weakSignalDBm = -75

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
        var weak: Set<String> = []
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
                for interface in snapshot.interfaces {
                    guard let signal = interface.uplink?.bestSignalDBm ?? interface.wireless?.signalDBm else {
                        continue
                    }
                    if signal < Self.weakSignalDBm, weak.insert(interface.name).inserted {
                        logger.warning(
                            "wifi signal weak",
                            metadata: ["interface": "\(interface.name)", "signal_dbm": "\(signal)"]
                        )
                        hub.report(signalEvent(.wifiSignalWeak, interface: interface.name, signal: signal))
                    } else if signal >= Self.weakSignalDBm, weak.remove(interface.name) != nil {
                        logger.notice(
                            "wifi signal recovered",
                            metadata: ["interface": "\(interface.name)", "signal_dbm": "\(signal)"]
                        )
                        hub.report(signalEvent(.wifiSignalRecovered, interface: interface.name, signal: signal))
                    }
                }
                hub.publish(scope: Self.scope, WifiObservations.observations(for: snapshot))
            } else {
                hub.retire(scope: Self.scope)
            }
            liveness.beat(Self.livenessName)
            await ShutdownAware.sleep(for: settings.linkInterval)
        }
    }

    private func signalEvent(_ kind: EventKind, interface: String, signal: Int) -> EventDraft {
        EventDraft(
            kind: kind,
            severity: kind == .wifiSignalWeak ? .warning : .notice,
            subject: interface,
            evidence: "signal \(signal) dBm (threshold \(Self.weakSignalDBm) dBm)",
            attributes: [Label("interface", interface), Label("signal_dbm", String(signal))]
        )
    }
}
