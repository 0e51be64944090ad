import ArgumentParser
import NetwardenCore
import NetwardenDaemon

/// `netwarden check-config [FILE]`: validate before `systemctl reload`.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a configuration file and report every problem in it.",
        discussion: """
            Prints one line per problem as FILE:LINE: key: what was wrong and what was expected. \
            A valid file is also compared with this machine: settings the daemon copes with but \
            that are probably wrong (an interface that does not exist now) are printed as \
            FILE:LINE: key: warning: ... lines; what the daemon would refuse on this machine (a \
            state directory in /proc or at /, a CA, token or key file that cannot be read, a \
            listen address no interface has) is printed as FILE:LINE: key: error: ... lines. \
            Exit status: 0 if the file is valid (even with warnings), 2 if it is not or has errors.
            """
    )

    @Argument(help: ArgumentHelp("The file to check.", valueName: "file"))
    var file: String = "/etc/netwarden/netwarden.toml"

    func run() throws {
        switch ConfigFile.load(path: file) {
        case .success(let config):
            var standardError = StandardError()
            let findings = machineFindings(config)
            for finding in findings { print(finding.description, to: &standardError) }
            let errors = findings.filter { $0.severity == .error }.count
            if errors > 0 {
                print(
                    "\(file): \(errors) problem\(errors == 1 ? "" : "s") the daemon would refuse on this machine",
                    to: &standardError
                )
                throw ExitCode(2)
            }
            print("\(file): OK (trust \(config.identity.trust), site \(config.identity.site))")
        case .failure(let errors):
            var standardError = StandardError()
            for diagnostic in errors.diagnostics { print(diagnostic.description, to: &standardError) }
            let count = errors.diagnostics.count
            print("\(file): \(count) problem\(count == 1 ? "" : "s") found", to: &standardError)
            throw ExitCode(2)
        }
    }

    /// The file parsed again for the lines of its keys, then compared with this machine.
    private func machineFindings(_ config: NetwardenConfig) -> [ConfigMachineFinding] {
        guard case .success(let bytes) = ConfigFile.read(path: file) else { return [] }
        return ConfigMachineCheck.check(
            config,
            document: TOMLParser.parse(bytes).root,
            file: file,
            machine: .current
        )
    }
}
