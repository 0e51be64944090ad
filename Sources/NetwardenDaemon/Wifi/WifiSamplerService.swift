import Logging
import NetwardenCore
import NetwardenPlatform
import ServiceLifecycle

/// Samples Wi-Fi radio and station health (nl80211, else /proc/net/wireless) on the link
/// interval and writes it to the outbox. On a gateway without Wi-Fi it costs one failed
/// generic-netlink lookup per interval and writes nothing.
public struct WifiSamplerService: Service {
    public static let livenessName = "wifi-sampler"
    /// Below this a station-mode uplink is unreliable for lessons (typical -75 dBm guidance).
    public static let weakSignalDBm = -75

    private let store: SettingsStore
    private let reader: WifiReader
    private let outbox: Outbox
    private let liveness: LivenessMonitor
    private let status: DaemonStatus
    private let logger: Logger

    public init(
        store: SettingsStore,
        reader: WifiReader = WifiReader(),
        outbox: Outbox,
        liveness: LivenessMonitor,
        status: DaemonStatus,
        logger: Logger
    ) {
        self.store = store
        self.reader = reader
        self.outbox = outbox
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
                    } else if signal >= Self.weakSignalDBm, weak.remove(interface.name) != nil {
                        logger.notice(
                            "wifi signal recovered",
                            metadata: ["interface": "\(interface.name)", "signal_dbm": "\(signal)"]
                        )
                    }
                }
                let samples = WifiMetrics.samples(
                    for: snapshot,
                    identity: settings.identity.labels,
                    timestampMilliseconds: LinkSamplerService.wallClockMilliseconds()
                )
                if !samples.isEmpty {
                    do {
                        try outbox.append(samples)
                        status.update { $0.samplesWritten += samples.count }
                    } catch {
                        status.update { $0.outputErrors += 1 }
                    }
                }
            }
            liveness.beat(Self.livenessName)
            await ShutdownAware.sleep(for: settings.linkInterval)
        }
    }
}
