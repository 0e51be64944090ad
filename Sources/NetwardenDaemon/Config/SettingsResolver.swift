import FoundationEssentials
import NetwardenCore
import NetwardenPlatform
import NetwardenTelemetry

/// Which configuration `run` uses: an explicit `--config` file must exist; otherwise the default
/// path is used if present, and the built-in defaults if not (so the quick start works on a
/// machine with no /etc/netwarden yet).
public struct SettingsSource: Sendable {
    public var explicitPath: String?
    public var defaultPath: String

    public init(explicitPath: String?, defaultPath: String) {
        self.explicitPath = explicitPath
        self.defaultPath = defaultPath
    }

    /// The file to read now, or nil for the built-in defaults. Checked at every (re)load, so a
    /// config file created after start is picked up by the next SIGHUP.
    var pathToRead: String? {
        if let explicitPath { return explicitPath }
        return FileManager.default.fileExists(atPath: defaultPath) ? defaultPath : nil
    }
}

/// Command-line overrides that win over the file (quick start, tests).
public struct SettingsOverrides: Sendable {
    public var stateDirectory: String?
    public var logLevel: LogSeverity?

    public init(stateDirectory: String? = nil, logLevel: LogSeverity? = nil) {
        self.stateDirectory = stateDirectory
        self.logLevel = logLevel
    }
}

/// Loads and resolves settings: the file's values with the hostname and "auto" filled in.
public enum SettingsResolver {
    public static let embeddedSourceName = "built-in defaults"

    public static func load(
        source: SettingsSource,
        overrides: SettingsOverrides,
        reader: LinkReader = LinkReader()
    ) -> Result<RuntimeSettings, SettingsLoadFailure> {
        guard let path = source.pathToRead else {
            return .success(resolve(.embeddedDefault, source: embeddedSourceName, overrides: overrides, reader: reader))
        }
        switch ConfigFile.load(path: path) {
        case .success(let config):
            return .success(resolve(config, source: path, overrides: overrides, reader: reader))
        case .failure(let errors):
            return .failure(SettingsLoadFailure(lines: errors.diagnostics.map(\.description)))
        }
    }

    public static func resolve(
        _ config: NetwardenConfig,
        source: String,
        overrides: SettingsOverrides,
        reader: LinkReader = LinkReader()
    ) -> RuntimeSettings {
        let gateway = config.identity.gateway.isEmpty ? HostIdentity.hostname() : config.identity.gateway
        let uplinks: [String]
        let automatic: Bool
        switch config.interfaces.uplink {
        case .automatic:
            automatic = true
            var names: [String] = []
            for route in reader.defaultRoutes() where !names.contains(route.interface) { names.append(route.interface) }
            uplinks = names
        case .interfaces(let names):
            automatic = false
            uplinks = names
        }
        var settings = RuntimeSettings(
            identity: .init(trust: config.identity.trust, site: config.identity.site, gateway: gateway),
            uplinks: uplinks,
            uplinksAreAutomatic: automatic,
            lan: config.interfaces.lan,
            stateDirectory: overrides.stateDirectory ?? config.daemon.stateDirectory,
            logLevel: overrides.logLevel ?? config.daemon.logLevel,
            statusInterval: config.daemon.statusInterval,
            linkEnabled: config.link.enabled,
            linkInterval: config.link.interval,
            source: source
        )
        settings.probes = config.probes.probes
        settings.capture = config.capture
        settings.filter = config.filter
        settings.filterTests = config.filterTests
        settings.metricsListen = config.metrics.listen
        settings.spool = config.spool
        settings.outputs = config.outputs.outputs
        settings.alerts = config.alerts
        settings.statusSocket = config.daemon.statusSocket
        return settings
    }
}
