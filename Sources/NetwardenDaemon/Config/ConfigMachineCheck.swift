import NetwardenCore

/// What `check-config` finds by comparing a valid configuration with the machine it is checked
/// on: things the schema cannot know (which interfaces exist now).
///
/// Findings carry the file and line of the setting, like schema errors, and a severity:
/// a warning is something the daemon copes with (a capture interface that does not exist yet is
/// retried until it appears), so `check-config` still exits 0.
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

/// The checks behind ``ConfigMachineFinding``. The machine is injected (`interfaceExists`) so
/// the checks are tested without touching sysfs.
public enum ConfigMachineCheck {
    public static func check(
        _ config: NetwardenConfig,
        document: TOMLTable,
        file: String,
        interfaceExists: (String) -> Bool
    ) -> [ConfigMachineFinding] {
        var findings: [ConfigMachineFinding] = []
        func line(_ path: [TOMLPathStep]) -> Int? { document.location(of: path)?.line }

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
