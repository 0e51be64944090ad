import ArgumentParser
import NetwardenCollectorCore
import NetwardenCore

/// `netwarden-collector user add|list|remove`: people (and scripts) who may read the page.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage web users (page sign-in and HTTP Basic for scripts).",
        subcommands: [Add.self, List.self, Remove.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a user and print a generated password (only it) on stdout."
        )
        @OptionGroup var configOption: ConfigOption
        @Argument(help: "The user's name (letters, digits, '.', '-', '_', '@').") var name: String

        func run() throws {
            let database = try configOption.database()
            let password = try AdminFailure.report { () throws(CollectorError) in
                try UserRegistry(database: database).add(name, now: AdminFailure.now())
            }
            print(password)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")
        @OptionGroup var configOption: ConfigOption

        func run() throws {
            let database = try configOption.database()
            for user in try AdminFailure.report({ () throws(CollectorError) in
                try UserRegistry(database: database).list()
            }) {
                print(user.name)
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user and end their sessions.")
        @OptionGroup var configOption: ConfigOption
        @Argument(help: "The user's name.") var name: String

        func run() throws {
            let database = try configOption.database()
            try AdminFailure.report { () throws(CollectorError) in try UserRegistry(database: database).remove(name) }
            var standardError = StandardError()
            print("user '\(name)' removed", to: &standardError)
        }
    }
}
