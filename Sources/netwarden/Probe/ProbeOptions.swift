import ArgumentParser
import NetwardenCore
import NetwardenDaemon

/// Options every one-shot probe shares: where to send from, how long to wait, how to print.
struct ProbeOptions: ParsableArguments {
    @Option(
        name: [.short, .long],
        help: ArgumentHelp("Send from this interface (e.g. a second uplink).", valueName: "name")
    )
    var interface: String?

    @Option(help: ArgumentHelp("Send from this source address.", valueName: "address"))
    var source: String?

    @Option(help: ArgumentHelp("Give up after this many seconds.", valueName: "seconds"))
    var timeout: Double = 5

    @Flag(name: .customShort("4"), help: "Use IPv4 only.")
    var ipv4 = false

    @Flag(name: .customShort("6"), help: "Use IPv6 only.")
    var ipv6 = false

    @Flag(help: "Print one JSON object instead of a readable report.")
    var json = false

    func validate() throws {
        if ipv4 && ipv6 { throw ValidationError("-4 and -6 cannot be used together") }
        if !(timeout > 0 && timeout <= 300) { throw ValidationError("--timeout must be between 0 and 300 seconds") }
        if let interface, interface.isEmpty || interface.count > 15 || interface.contains("/") {
            throw ValidationError("--interface '\(interface)' is not a valid interface name")
        }
    }

    var ipPreference: ProbeSpec.IPPreference { ipv4 ? .ipv4 : ipv6 ? .ipv6 : .any }

    func apply(to spec: inout ProbeSpec) {
        spec.interface = interface
        spec.sourceAddress = source
        spec.timeout = .milliseconds(Int64(timeout * 1000))
        spec.ipPreference = ipPreference
    }

    /// Prints the outcome and turns failure into exit status 1 (scripts can test it).
    func finish(_ outcome: ProbeOutcome) throws {
        if json {
            print(outcome.report.json)
        } else {
            for line in outcome.report.text() { print(line) }
        }
        if !outcome.success { throw ExitCode(1) }
    }
}
