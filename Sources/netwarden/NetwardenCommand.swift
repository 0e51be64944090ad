import ArgumentParser
import NetwardenCore

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
            VersionCommand.self,
        ]
    )
}
