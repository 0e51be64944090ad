import NetwardenCore

/// The collector's whole configuration file, decoded with the daemon's own TOML parser and
/// table reader, so every error reads `FILE:LINE: key: message` exactly as `netwarden
/// check-config` prints them.
public struct CollectorConfig: Sendable, Equatable {
    public var server = ServerSection.defaults
    public var storage = StorageSection.defaults
    public var retention = RetentionSection.defaults
    public var ingest = IngestSection.defaults
    /// Alert routing: `[alerts]`, `[[receiver]]`, `[[route]]` and `[[silence]]`.
    public var alerts = AlertingSection.defaults
    public var receivers: [ReceiverSettings] = []
    public var routes: [RouteSettings] = []
    public var silences: [Silence] = []

    public init() {}

    /// Where `run` and the admin commands look when `--config` is not given.
    public static let defaultPath = "/etc/netwarden-collector/collector.toml"

    /// The section names in the order the shipped file lists them.
    static let sectionNames = [
        ServerSection.name, StorageSection.name, RetentionSection.name, IngestSection.name, AlertingSection.name,
        "receiver", "route", "silence",
    ]

    /// Decodes a config file; every problem is in the failure, sorted by line.
    public static func parse(bytes: [UInt8], fileName: String) -> Result<CollectorConfig, ConfigErrors> {
        let diagnostics = ConfigDiagnostics(file: fileName)
        let document = TOMLParser.parse(bytes)
        for error in document.errors {
            diagnostics.report(.syntax, at: error.location, key: error.key ?? "(syntax)", error.message)
        }
        if !document.errors.isEmpty && document.root.isEmpty { return .failure(diagnostics.errors) }
        let root = ConfigTableReader(
            table: document.root,
            path: [],
            location: TOMLLocation(line: 1, column: 1),
            diagnostics: diagnostics
        )
        // An empty file is valid here (unlike the daemon's, which needs an identity): every
        // collector setting has a working default.
        var config = CollectorConfig()
        config.server = read(ServerSection.self, from: root)
        config.storage = read(StorageSection.self, from: root)
        config.retention = read(RetentionSection.self, from: root)
        config.ingest = read(IngestSection.self, from: root)
        config.alerts = read(AlertingSection.self, from: root)
        readRouting(from: root, into: &config)
        root.reportUnknownSections(sectionNames, example: "server")
        return diagnostics.isEmpty ? .success(config) : .failure(diagnostics.errors)
    }

    /// The `[[receiver]]`, `[[route]]` and `[[silence]]` blocks, with the cross-checks that need
    /// all of them: unique receiver names, and every route naming a receiver that exists.
    private static func readRouting(from root: ConfigTableReader, into config: inout CollectorConfig) {
        for block in root.tables("receiver") {
            let receiver = ReceiverSettings(from: block)
            if config.receivers.contains(where: { $0.name == receiver.name }) && !receiver.name.isEmpty {
                block.report(key: "name", "receiver name `\(receiver.name)` is used twice; expected unique names")
            }
            block.finish()
            config.receivers.append(receiver)
        }
        for block in root.tables("route") {
            let route = RouteSettings(from: block)
            if !route.receiver.isEmpty && !config.receivers.contains(where: { $0.name == route.receiver }) {
                let names = config.receivers.map(\.name)
                block.report(
                    key: "receiver",
                    "no [[receiver]] is named `\(route.receiver)`; expected one of: "
                        + (names.isEmpty ? "(none defined)" : names.joined(separator: ", "))
                )
            }
            block.finish()
            config.routes.append(route)
        }
        for (index, block) in root.tables("silence").enumerated() {
            config.silences.append(SilenceSettings.read(block, index: index))
            block.finish()
        }
    }

    private static func read<Section: ConfigSection>(_ type: Section.Type, from root: ConfigTableReader) -> Section {
        let reader = root.table(Section.name)
        guard reader.isPresent else { return Section.defaults }
        let section = Section(from: reader)
        reader.finish()
        return section
    }
}
