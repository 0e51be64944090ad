import ArgumentParser
import NetwardenCore
import NetwardenPlatform

/// The `netwarden` command: the daemon and the technician's tools in one binary.
@main
struct NetwardenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netwarden",
        abstract: "Watches a school gateway's uplink, Wi-Fi and web-filter compliance.",
        discussion: """
            Run as a service, netwarden probes the school's internet link and Wi-Fi, checks that \
            the web filter blocks what it must, and sends metrics and events to the trust's \
            collector. The other subcommands help a technician check a configuration and \
            diagnose a site by hand.

            Logs: journalctl -u netwarden -f
            Reload after editing the config: systemctl reload netwarden
            """,
        version: NetwardenVersion.string,
        subcommands: [
            RunCommand.self,
            CheckConfigCommand.self,
            ProbeCommand.self,
            AnalyzeCommand.self,
            FilterTestCommand.self,
            StatusCommand.self,
            SpoolCommand.self,
            VersionCommand.self,
        ]
    )

    /// ArgumentParser's `main`, with SIGTERM, SIGINT and SIGHUP caught from the very start: one
    /// that arrives while the daemon is still starting must stop or reload it, not kill it
    /// (see ``StartupSignals``). Other commands get default signal handling back as soon as
    /// the arguments are parsed.
    static func main() async {
        StartupSignals.install()
        do {
            var command = try parseAsRoot()
            if !(command is RunCommand) { StartupSignals.restoreDefaults() }
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
