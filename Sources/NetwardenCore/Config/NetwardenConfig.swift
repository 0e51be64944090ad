/// The whole configuration file, decoded and validated (not yet resolved against the machine:
/// "auto" uplinks and an empty gateway name are left for the daemon to resolve).
public struct NetwardenConfig: Sendable, Equatable {
    public var identity = IdentitySection.defaults
    public var interfaces = InterfacesSection.defaults
    public var daemon = DaemonSection.defaults
    public var link = LinkSection.defaults
    public var probes = ProbesSection.defaults
    public var capture = CaptureSection.defaults
    public var filter = FilterSection.defaults
    public var filterTests = FilterTestsSection.defaults
    public var metrics = MetricsSection.defaults
    public var spool = SpoolSection.defaults
    public var outputs = OutputsSection.defaults
    public var alerts = AlertsSection.defaults

    /// Every section in the order the shipped file lists them. A new section adds its stored
    /// property above and one line here; unknown-section errors and suggestions follow from it.
    static var sections: [any ConfigSectionBinding] {
        [
            SectionBinding(\.identity),
            SectionBinding(\.interfaces),
            SectionBinding(\.daemon),
            SectionBinding(\.link),
            SectionBinding(\.probes),
            SectionBinding(\.capture),
            SectionBinding(\.filter),
            SectionBinding(\.filterTests),
            SectionBinding(\.metrics),
            SectionBinding(\.spool),
            SectionBinding(\.outputs),
            SectionBinding(\.alerts),
        ]
    }

    public init() {}

    /// What netwarden runs with when there is no config file at all.
    public static let embeddedDefault = NetwardenConfig()

    /// Decodes a config file. Every problem in the file is in the failure, sorted by line, each
    /// as `FILE:LINE: key: message`.
    public static func parse(bytes: [UInt8], fileName: String) -> Result<NetwardenConfig, ConfigErrors> {
        let diagnostics = ConfigDiagnostics(file: fileName)
        let document = TOMLParser.parse(bytes)
        for error in document.errors {
            diagnostics.report(.syntax, at: error.location, key: error.key ?? "(syntax)", error.message)
        }
        if document.root.isEmpty {
            if document.errors.isEmpty {
                diagnostics.report(
                    .emptyFile,
                    at: TOMLLocation(line: 1, column: 1),
                    key: "(file)",
                    "the file is empty (or only comments); expected at least an [identity] section with trust and site"
                )
            }
            // An encoding error leaves nothing to check; more lines would only repeat it.
            return .failure(diagnostics.errors)
        }

        let root = ConfigTableReader(
            table: document.root,
            path: [],
            location: TOMLLocation(line: 1, column: 1),
            diagnostics: diagnostics
        )
        var config = NetwardenConfig()
        for section in sections { section.read(from: root, into: &config) }
        root.reportUnknownSections(sections.map(\.name), example: "identity")
        return diagnostics.isEmpty ? .success(config) : .failure(diagnostics.errors)
    }
}
