import ArgumentParser
import Foundation
import Logging
import NetwardenCollectorCore
import NetwardenCollectorServer
import NetwardenCore

/// `netwarden-collector run`: the server, in the foreground (systemd's Type=exec).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the collector in the foreground.",
        discussion: "Stops cleanly on SIGTERM or Ctrl-C."
    )

    @OptionGroup var configOption: ConfigOption

    @Option(help: ArgumentHelp("Log level (trace, debug, info, notice, warning, error).", valueName: "level"))
    var logLevel: String = "info"

    func validate() throws {
        if Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("unknown log level '\(logLevel)'")
        }
    }

    func run() async throws {
        let config = try configOption.load()
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "netwarden-collector")
        let database: CollectorDatabase
        do {
            database = try CollectorDatabase(path: config.storage.database)
        } catch {
            logger.critical("\(error.message)")
            throw ExitCode(1)
        }
        if try AgentRegistry(database: database).list().isEmpty {
            logger.warning("no agents yet: create one with `netwarden-collector agent add NAME`")
        }
        let server = CollectorServer(config: config, database: database, logger: logger)
        let scheme = config.server.usesTLS ? "https" : "http"
        try await server.run { address in
            // Tests and people wait for this line; it names the real bound address.
            logger.notice("listening on \(scheme)://\(config.server.listen) (\(address))")
        }
    }
}
