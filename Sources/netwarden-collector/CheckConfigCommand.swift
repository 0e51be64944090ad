import ArgumentParser
import NetwardenCollectorCore
import NetwardenCore

/// `netwarden-collector check-config [FILE]`: validate before a restart.
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
    var file: String = CollectorConfig.defaultPath

    func run() throws {
        switch CollectorConfigFile.load(path: file) {
        case .success(let config):
            print("\(file): OK (listen \(config.server.listen), database \(config.storage.database))")
        case .failure(let errors):
            var standardError = StandardError()
            for line in errors.lines { print(line, to: &standardError) }
            let count = errors.diagnostics.count
            print("\(file): \(count) problem\(count == 1 ? "" : "s") found", to: &standardError)
            throw ExitCode(2)
        }
    }
}
