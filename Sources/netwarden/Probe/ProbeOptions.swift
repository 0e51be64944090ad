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

    @Option(
        help: ArgumentHelp(
            "Give up after this many seconds (\(ProbeLimits.describe(ProbeLimits.timeoutSeconds))); bounds a whole ICMP burst.",
            valueName: "seconds"
        )
    )
    var timeout: Double = 5

    @Flag(name: .customShort("4"), help: "Use IPv4 only.")
    var ipv4 = false

    @Flag(name: .customShort("6"), help: "Use IPv6 only.")
    var ipv6 = false

    @Flag(help: "Print one JSON object instead of a readable report.")
    var json = false

    func validate() throws {
        if ipv4 && ipv6 { throw ValidationError("-4 and -6 cannot be used together") }
        // `!contains` rather than a comparison pair: NaN is outside every range.
        if !ProbeLimits.timeoutSeconds.contains(timeout) {
            throw ValidationError(
                "--timeout \(ProbeArgument.shown(timeout)) is out of range; expected \(ProbeLimits.describe(ProbeLimits.timeoutSeconds)) seconds"
            )
        }
        if let interface, interface.isEmpty || interface.count > 15 || interface.contains("/") {
            throw ValidationError("--interface '\(ProbeArgument.shown(interface))' is not a valid interface name")
        }
        if let source, let problem = ProbeLimits.addressProblem(source) {
            throw ValidationError("--source: \(ProbeArgument.escaped(problem))")
        }
    }

    var ipPreference: IPPreference { ipv4 ? .ipv4 : ipv6 ? .ipv6 : .any }

    var timeoutDuration: Duration { .microseconds(Int64(timeout * 1_000_000)) }

    /// The probe's spec: the kind's options plus the settings every kind shares.
    func spec(name: String, _ options: ProbeSpec.Options) -> ProbeSpec {
        ProbeSpec(
            name: name,
            options: options,
            timeout: timeoutDuration,
            interface: interface,
            sourceAddress: source,
            ipPreference: ipPreference
        )
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
