import NetwardenCore

/// What `check-config` finds by comparing a valid configuration with the machine it is checked
/// on: things the schema cannot know (which interfaces exist now, which files can be read).
///
/// Findings carry the file and line of the setting, like schema errors, and a severity:
/// a warning is something the daemon copes with (a capture interface that does not exist yet is
/// retried until it appears), so `check-config` still exits 0; an error is something the daemon
/// would refuse or fail on (a state directory in /proc, a CA file that is not there), so
/// `check-config` exits 2.
public struct ConfigMachineFinding: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case warning, error
    }

    public var severity: Severity
    public var file: String
    public var line: Int?
    public var key: String
    public var message: String

    public init(_ severity: Severity, file: String, line: Int?, key: String, message: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    /// `FILE:LINE: key: warning: message`, the schema errors' form with the severity in front
    /// of the message so a reader (or grep) tells the two apart.
    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(key): \(severity.rawValue): \(message)"
    }
}

/// The checks behind ``ConfigMachineFinding``. The machine is injected (``ConfigMachine``) so
/// the checks are tested without touching sysfs or the file system.
public enum ConfigMachineCheck {
    /// Where systemd puts the files of `LoadCredential=` for the running service.
    static let credentialsDirectory = "/run/credentials/"

    public static func check(
        _ config: NetwardenConfig,
        document: TOMLTable,
        file: String,
        machine: ConfigMachine
    ) -> [ConfigMachineFinding] {
        var findings: [ConfigMachineFinding] = []
        let interfaceExists = machine.interfaceExists
        func line(_ path: [TOMLPathStep]) -> Int? { document.location(of: path)?.line }
        func error(_ path: [TOMLPathStep], _ message: String, _ severity: ConfigMachineFinding.Severity = .error) {
            let key = path.compactMap { step -> String? in
                if case .key(let name) = step { return name }
                return nil
            }.joined(separator: ".")
            findings.append(ConfigMachineFinding(severity, file: file, line: line(path), key: key, message: message))
        }
        // A secret under /run/credentials exists only while the service runs (systemd's
        // LoadCredential=), so its absence at check time is a warning, not a refusal.
        func checkFile(_ path: String, _ at: [TOMLPathStep]) {
            guard let problem = machine.unreadableFile(path) else { return }
            if path.hasPrefix(Self.credentialsDirectory) {
                error(
                    at,
                    problem + "; systemd provides it when the service starts if the unit has LoadCredential=",
                    .warning
                )
            } else {
                error(at, problem)
            }
        }

        if let problem = machine.unusableStateDirectory(config.daemon.stateDirectory) {
            error([.key("daemon"), .key("state_directory")], problem)
        }
        if case .success(let address?) = ListenAddress.parseSetting(config.metrics.listen),
            let problem = machine.unbindableAddress(address)
        {
            error([.key("metrics"), .key("listen")], problem)
        }
        var httpIndex = 0
        for probe in config.probes.probes {
            guard case .http(let http) = probe.options else { continue }
            defer { httpIndex += 1 }
            if let path = http.caFile {
                checkFile(path, [.key("probes"), .key("http"), .index(httpIndex), .key("ca_file")])
            }
        }
        var outputIndex: [OutputSettings.Kind: Int] = [:]
        for output in config.outputs.outputs {
            let index = outputIndex[output.kind, default: 0]
            outputIndex[output.kind] = index + 1
            let tokenKey = output.kind == .collector ? "token_file" : "bearer_token_file"
            let files: [(String, String?)] = [
                (tokenKey, output.bearerTokenFile), ("basic_auth_password_file", output.basicAuthPasswordFile),
                ("ca_file", output.caFile), ("client_certificate_file", output.clientCertificateFile),
                ("client_key_file", output.clientKeyFile),
            ]
            for case (let key, let path?) in files {
                checkFile(path, [.key("outputs"), .key(output.kind.rawValue), .index(index), .key(key)])
            }
        }

        if config.capture.enabled {
            let fromLAN = config.capture.interfaces.isEmpty
            let names = fromLAN ? config.interfaces.lan : config.capture.interfaces
            let key = fromLAN ? "interfaces.lan" : "capture.interfaces"
            let section = fromLAN ? "interfaces" : "capture"
            let arrayKey = fromLAN ? "lan" : "interfaces"
            for (index, name) in names.enumerated() where !interfaceExists(name) {
                findings.append(
                    ConfigMachineFinding(
                        .warning,
                        file: file,
                        line: line([.key(section), .key(arrayKey), .index(index)]),
                        key: key,
                        message: "no interface `\(name)` on this machine now; capture retries it until it appears"
                    )
                )
            }
        }

        // List files. A missing one is what the daemon would do with it: a file the package
        // ships is skipped with a warning (netwarden run without the package); any other is
        // refused while the part reading it is on, and only worth a warning while it is off.
        func checkList(_ path: String, _ at: [TOMLPathStep], readBy section: String, readNow: Bool) {
            guard let problem = machine.unreadableFile(path) else { return }
            if ShippedFiles.isShipped(path) {
                error(
                    at,
                    problem + "; the netwarden package installs it (is it installed?); skipped until then",
                    .warning
                )
            } else if readNow {
                error(at, problem)
            } else {
                error(at, problem + "; read once [\(section)] is enabled", .warning)
            }
        }
        let filter = config.filter
        let filterSection: [TOMLPathStep] = [.key("filter")]
        for (key, paths) in [
            ("doh_lists", filter.dohLists), ("doh_resolver_lists", filter.dohResolverLists),
            ("tor_relay_lists", filter.torRelayLists),
        ] {
            for (index, path) in paths.enumerated() {
                checkList(
                    path,
                    filterSection + [.key(key), .index(index)],
                    readBy: "capture",
                    readNow: config.capture.enabled
                )
            }
        }
        // UT1 lists are directories of per-category files, resolved by the daemon itself.
        for (categoryIndex, category) in filter.categories.enumerated() where category.format != .ut1 {
            for (index, path) in category.lists.enumerated() {
                checkList(
                    path,
                    filterSection + [.key("category"), .index(categoryIndex), .key("lists"), .index(index)],
                    readBy: "capture",
                    readNow: config.capture.enabled
                )
            }
        }

        let tests = config.filterTests
        let testsSection: [TOMLPathStep] = [.key("filter_tests")]
        for (key, paths) in [("catalogues", tests.catalogues), ("block_pages", tests.blockPages)] {
            for (index, path) in paths.enumerated() {
                checkList(
                    path,
                    testsSection + [.key(key), .index(index)],
                    readBy: "filter_tests",
                    readNow: tests.enabled
                )
            }
        }
        if tests.enabled {
            let section = testsSection
            for (key, path) in [("ca_file", tests.caFile), ("filter_ca_file", tests.filterCAFile)] {
                if let path { checkFile(path, section + [.key(key)]) }
            }
            for (index, vantage) in tests.vantages.enumerated() {
                guard let name = vantage.interface, !interfaceExists(name) else { continue }
                findings.append(
                    ConfigMachineFinding(
                        .warning,
                        file: file,
                        line: line(section + [.key("vantage"), .index(index), .key("interface")]),
                        key: "filter_tests.vantage.interface",
                        message:
                            "no interface `\(name)` on this machine now; checks from vantage `\(vantage.name)` are "
                            + "inconclusive until it appears"
                    )
                )
            }
        }

        var blockIndex: [ProbeSpec.Kind: Int] = [:]
        for probe in config.probes.probes {
            let index = blockIndex[probe.kind, default: 0]
            blockIndex[probe.kind] = index + 1
            guard let name = probe.interface, !interfaceExists(name) else { continue }
            findings.append(
                ConfigMachineFinding(
                    .warning,
                    file: file,
                    line: line([.key("probes"), .key(probe.kind.rawValue), .index(index), .key("interface")]),
                    key: "probes.\(probe.kind.rawValue).interface",
                    message: "no interface `\(name)` on this machine now; probe `\(probe.name)` fails until it appears"
                )
            )
        }
        return findings
    }
}
