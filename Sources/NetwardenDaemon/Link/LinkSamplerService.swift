import Glibc
import Logging
import NetwardenCore
import NetwardenPlatform
import NetwardenTelemetry
import ServiceLifecycle

/// Samples link state and counters of the watched interfaces and the default route every
/// `link.interval_seconds`, publishes them to the hub (scope `link`), and logs state changes (an
/// uplink going down is the first thing a technician wants to see in the journal; central IT
/// hears about it from the `uplink_down` and `no_default_route` alert rules).
public struct LinkSamplerService: Service {
    public static let livenessName = "link-sampler"
    /// The hub scope the sampler publishes under.
    public static let scope = "link"

    private let store: SettingsStore
    private let reader: LinkReader
    private let hub: TelemetryHub
    private let liveness: LivenessMonitor
    private let status: DaemonStatus
    private let logger: Logger

    public init(
        store: SettingsStore,
        reader: LinkReader,
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
        logger[metadataKey: "component"] = "link"
        self.logger = logger
    }

    public func run() async throws {
        var previous: [String: LinkSnapshot] = [:]
        // Interfaces that have carried a default route. A link going down takes its route with
        // it, so "the default route's interface" alone would stop watching the very uplink that
        // just failed; remembered uplinks stay watched while they exist.
        var rememberedUplinks: [String] = []
        var hadDefaultRoute: Bool?
        var warnedNoInterfaces = false
        while !ShutdownAware.shouldStop {
            let settings = store.current
            // Allow two missed intervals before the watchdog considers us stuck.
            liveness.register(Self.livenessName, maxSilence: settings.linkInterval * 2 + .seconds(5))
            if settings.linkEnabled {
                let routes = reader.defaultRoutes()
                reportRouteChange(routes, had: &hadDefaultRoute)
                let interfaces = resolveInterfaces(settings, routes: routes, remembered: &rememberedUplinks)
                if interfaces.isEmpty && !warnedNoInterfaces {
                    logger.warning(
                        "no interfaces to watch: no default route for uplink=auto and no LAN interfaces configured"
                    )
                }
                warnedNoInterfaces = interfaces.isEmpty
                let observations = sample(
                    interfaces: interfaces,
                    routes: routes,
                    settings: settings,
                    previous: &previous
                )
                hub.publish(scope: Self.scope, observations)
            } else {
                hub.retire(scope: Self.scope)
            }
            liveness.beat(Self.livenessName)
            await ShutdownAware.sleep(for: settings.linkInterval)
        }
    }

    private func resolveInterfaces(
        _ settings: RuntimeSettings,
        routes: [DefaultRoute],
        remembered: inout [String]
    ) -> [(name: String, role: String)] {
        var uplinks = settings.uplinks
        if settings.uplinksAreAutomatic {
            for route in routes where !remembered.contains(route.interface) { remembered.append(route.interface) }
            // Forget an interface only once it no longer exists at all (a removed USB modem).
            remembered.removeAll { name in reader.snapshot(of: name) == nil }
            uplinks = remembered
        }
        var result = uplinks.map { (name: $0, role: "uplink") }
        for lan in settings.lan where !uplinks.contains(lan) { result.append((lan, "lan")) }
        return result
    }

    private func sample(
        interfaces: [(name: String, role: String)],
        routes: [DefaultRoute],
        settings: RuntimeSettings,
        previous: inout [String: LinkSnapshot]
    ) -> [Observation] {
        var observations = LinkObservations.observations(for: routes)
        var up = 0
        var uplinkStates: [String] = []
        for (name, role) in interfaces {
            guard let snapshot = reader.snapshot(of: name) else {
                if previous.removeValue(forKey: name) != nil || !previous.keys.contains(name) {
                    logger.warning("interface not found", metadata: ["interface": "\(name)", "role": "\(role)"])
                }
                if role == "uplink" { uplinkStates.append("\(name) missing") }
                continue
            }
            if snapshot.isUp { up += 1 }
            if role == "uplink" { uplinkStates.append("\(name) \(snapshot.isUp ? "up" : "down")") }
            logTransition(from: previous[name], to: snapshot, role: role)
            previous[name] = snapshot
            observations += LinkObservations.observations(for: snapshot, role: role)
        }
        status.update {
            $0.site = settings.identity.site
            $0.linksWatched = interfaces.count
            $0.linksUp = up
            $0.uplinkSummary = uplinkStates.isEmpty ? "no uplink" : "uplink " + uplinkStates.joined(separator: ", ")
        }
        return observations
    }

    private func reportRouteChange(_ routes: [DefaultRoute], had: inout Bool?) {
        let has = !routes.isEmpty
        defer { had = has }
        guard let before = had, before != has else { return }
        if has {
            logger.notice(
                "default route restored",
                metadata: ["interface": "\(routes[0].interface)", "nexthop": "\(routes[0].gateway ?? "on-link")"]
            )
        } else {
            logger.warning("default route lost: this gateway has no route to the internet")
        }
    }

    private func logTransition(from old: LinkSnapshot?, to new: LinkSnapshot, role: String) {
        let metadata: Logger.Metadata = [
            "interface": "\(new.name)", "role": "\(role)", "operstate": "\(new.operState)",
        ]
        guard let old else {
            logger.info("watching interface", metadata: metadata)
            return
        }
        if old.isUp && !new.isUp {
            logger.warning("interface went down", metadata: metadata)
        } else if !old.isUp && new.isUp {
            logger.notice("interface came up", metadata: metadata)
        }
    }
}
