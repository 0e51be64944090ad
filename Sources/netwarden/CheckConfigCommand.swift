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
            Exit status: 0 if the file is valid, 2 if it is not.
            """
    )

    @Argument(help: ArgumentHelp("The file to check.", valueName: "file"))
    var file: String = "/etc/netwarden/netwarden.toml"

    func run() throws {
        switch ConfigFile.load(path: file) {
        case .success(let config):
            print("\(file): OK (trust \(config.identity.trust), site \(config.identity.site))")
        case .failure(let errors):
            var standardError = StandardError()
            for diagnostic in errors.diagnostics { print(diagnostic.description, to: &standardError) }
            let count = errors.diagnostics.count
            print("\(file): \(count) problem\(count == 1 ? "" : "s") found", to: &standardError)
            throw ExitCode(2)
        }
    }
}
