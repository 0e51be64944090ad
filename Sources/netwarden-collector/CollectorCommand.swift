import ArgumentParser

/// `netwarden-collector`: the trust's central collector and its administration.
@main
struct CollectorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netwarden-collector",
        abstract: "Collects every school gateway's netwarden data and shows it on one page.",
        discussion: """
            Agents (school gateways) send samples and events to POST /api/v1/ingest with a bearer \
            token made by `agent add`; people sign in to the page with a user made by `user add`.
            """,
        subcommands: [
            RunCommand.self,
            CheckConfigCommand.self,
            AgentCommand.self,
            UserCommand.self,
        ]
    )
}
