import ArgumentParser
import NetwardenCollectorCore
import NetwardenCore

/// `--config FILE`, shared by every subcommand that needs the database or the server settings.
struct ConfigOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The configuration file (default \(CollectorConfig.defaultPath), built-in defaults if absent).",
            valueName: "file"
        )
    )
    var config: String?

    /// The decoded file, or exit status 2 with every problem on stderr.
    func load() throws -> CollectorConfig {
        switch CollectorConfigFile.load(path: config) {
        case .success(let loaded):
            return loaded
        case .failure(let errors):
            var standardError = StandardError()
            for line in errors.lines { print(line, to: &standardError) }
            throw ExitCode(2)
        }
    }

    /// The database the config names, opened (and migrated) for an admin command.
    func database() throws -> CollectorDatabase {
        let settings = try load()
        do {
            return try CollectorDatabase(path: settings.storage.database)
        } catch {
            var standardError = StandardError()
            print("netwarden-collector: \(error.message)", to: &standardError)
            throw ExitCode(1)
        }
    }
}
