import ArgumentParser
import Foundation
import NetwardenCollectorCore
import NetwardenCore

/// `netwarden-collector agent add|list|revoke`: the gateways allowed to send data.
struct AgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Manage agent tokens (one per school gateway).",
        subcommands: [Add.self, List.self, Revoke.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an agent and print its token (only the token) on stdout.",
            discussion: """
                The token is shown once and stored only as a hash. Put it in the gateway's \
                token_file for [[outputs.collector]], e.g. \
                netwarden-collector agent add oak-primary > /etc/netwarden/collector.token
                """
        )
        @OptionGroup var configOption: ConfigOption
        @Argument(help: "The agent's name (letters, digits, '.', '-', '_', '@').") var name: String

        func run() throws {
            let database = try configOption.database()
            let token = try AdminFailure.report { () throws(CollectorError) in
                try AgentRegistry(database: database).add(name, now: AdminFailure.now())
            }
            print(token)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List agents, their state and the identities they send for."
        )
        @OptionGroup var configOption: ConfigOption

        func run() throws {
            let database = try configOption.database()
            let agents = try AdminFailure.report { () throws(CollectorError) in
                try AgentRegistry(database: database).list()
            }
            for agent in agents {
                let state = agent.revokedMilliseconds == nil ? "active" : "revoked"
                let identities = agent.identities.isEmpty ? "-" : agent.identities.joined(separator: ",")
                print("\(agent.name)\t\(state)\t\(identities)")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an agent's token at once and release the identities it claimed."
        )
        @OptionGroup var configOption: ConfigOption
        @Argument(help: "The agent's name.") var name: String

        func run() throws {
            let database = try configOption.database()
            try AdminFailure.report { () throws(CollectorError) in
                try AgentRegistry(database: database).revoke(name, now: AdminFailure.now())
            }
            var standardError = StandardError()
            print("agent '\(name)' revoked", to: &standardError)
        }
    }
}

/// Turns a `CollectorError` into one stderr line and exit status 1.
enum AdminFailure {
    static func report<T>(_ body: () throws(CollectorError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            var standardError = StandardError()
            print("netwarden-collector: \(error.message)", to: &standardError)
            throw ExitCode(1)
        }
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
