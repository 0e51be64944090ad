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
            // Secret files are read at start; a missing or unreadable one is caught here, before
            // the restart, rather than on the first alert. Contents are never printed.
            var problems: [String] = []
            for receiver in config.receivers {
                if case .failure(let error) = ReceiverSecrets.resolve(receiver) { problems.append(error.message) }
            }
            if !problems.isEmpty {
                var standardError = StandardError()
                for problem in problems { print("\(file): \(problem)", to: &standardError) }
                print("\(file): \(problems.count) problem\(problems.count == 1 ? "" : "s") found", to: &standardError)
                throw ExitCode(2)
            }
            var summary = "listen \(config.server.listen), database \(config.storage.database)"
            if !config.receivers.isEmpty || !config.routes.isEmpty {
                summary += ", \(config.receivers.count) receiver(s), \(config.routes.count) route(s)"
                summary += ", \(config.silences.count) silence(s)"
            }
            print("\(file): OK (\(summary))")
        case .failure(let errors):
            var standardError = StandardError()
            for line in errors.lines { print(line, to: &standardError) }
            let count = errors.diagnostics.count
            print("\(file): \(count) problem\(count == 1 ? "" : "s") found", to: &standardError)
            throw ExitCode(2)
        }
    }
}
