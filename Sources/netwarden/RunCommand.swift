import ArgumentParser
import FoundationEssentials
import Logging
import NetwardenCore
import NetwardenDaemon
import NetwardenPlatform
import UnixSignals

/// `netwarden run`: the daemon, in the foreground (systemd's `Type=notify` wants it that way).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the netwarden daemon in the foreground.",
        discussion: """
            Stops cleanly on SIGTERM or Ctrl-C. SIGHUP re-reads the configuration: a valid file \
            is applied without a restart; an invalid one is logged and the running configuration \
            stays. Under systemd (Type=notify) it reports readiness, status and watchdog \
            keep-alives on $NOTIFY_SOCKET.

            Without a configuration file it runs on built-in defaults: it watches this machine's \
            default-route interface and writes samples to /var/lib/netwarden/outbox/samples.jsonl.
            """
    )

    @OptionGroup var configPath: ConfigPathOption

    @Option(
        help: ArgumentHelp(
            "Override the state directory (where the outbox lives).",
            valueName: "directory"
        )
    )
    var stateDirectory: String?

    @Option(
        help: ArgumentHelp(
            "Override the log level (trace, debug, info, notice, warning, error, critical).",
            valueName: "level"
        )
    )
    var logLevel: String?

    func validate() throws {
        if let logLevel, LogSeverity(rawValue: logLevel) == nil {
            throw ValidationError(
                "unknown log level '\(logLevel)'; expected one of \(LogSeverity.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        if let stateDirectory, !stateDirectory.hasPrefix("/") {
            throw ValidationError("--state-directory must be an absolute path, got '\(stateDirectory)'")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let context = LogContext(level: .info, site: "-")
        let output = LogOutput.detect(environment: environment)
        LoggingSystem.bootstrap { label in NetwardenLogHandler(label: label, context: context, output: output) }
        let logger = Logger(label: "netwarden")

        // The daemon's own handlers for all three signals, then whatever arrived before them
        // (StartupSignals caught it since main began): SIGHUP reloads, SIGTERM/SIGINT stop.
        let signals = await UnixSignalsSequence(trapping: .sighup, .sigterm, .sigint)
        StartupSignals.replay()
        let (triggers, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let (stops, stop) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let forwarder = Task {
            for await signal in signals {
                if signal == .sighup { continuation.yield() } else { stop.yield() }
            }
        }
        defer { forwarder.cancel() }

        let source = SettingsSource(explicitPath: configPath.config, defaultPath: ConfigPathOption.defaultPath)
        let overrides = SettingsOverrides(stateDirectory: stateDirectory, logLevel: logLevel.flatMap(LogSeverity.init))
        let loader: Daemon.Loader = { SettingsResolver.load(source: source, overrides: overrides) }
        let initial: RuntimeSettings
        switch loader() {
        case .success(let settings):
            initial = settings
        case .failure(let failure):
            for line in failure.lines { logger.critical("\(line)") }
            logger.critical(
                "cannot start: the configuration is invalid",
                metadata: ["errors": "\(failure.lines.count)"]
            )
            output.flush(timeout: Self.logFlushLimit)
            throw ExitCode(2)
        }

        let daemon = Daemon(
            initial: initial,
            loader: loader,
            logContext: context,
            logger: logger,
            notifier: SystemdNotifier(environment: environment),
            reloadTriggers: triggers,
            shutdownSignals: [],
            shutdownTriggers: stops,
            droppedLogLines: { output.droppedLines }
        )
        // The last lines ("netwarden stopped", or why it failed) are worth a short wait, but a
        // stalled journal must not hold up the exit systemd is waiting for.
        defer { output.flush(timeout: Self.logFlushLimit) }
        do {
            try await daemon.run()
        } catch is DaemonStartError {
            // Already logged; EX_TEMPFAIL-like status so systemd's restart logic can tell it apart.
            throw ExitCode(75)
        }
    }

    /// How long the exit waits for queued log lines to reach a slow log output.
    static let logFlushLimit: Duration = .milliseconds(500)
}
