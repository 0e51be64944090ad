import ArgumentParser

/// `--config FILE`, shared by every subcommand that reads the configuration.
struct ConfigPathOption: ParsableArguments {
    static let defaultPath = "/etc/netwarden/netwarden.toml"

    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "Configuration file to use.",
            discussion: "Default: \(ConfigPathOption.defaultPath) if it exists, else the built-in defaults.",
            valueName: "file"
        )
    )
    var config: String?
}
