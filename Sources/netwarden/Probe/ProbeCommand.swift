import ArgumentParser
import NetwardenCore
import NetwardenDaemon
import NetwardenHTTP
import NetwardenPlatform

/// `netwarden probe`: run one probe now and print what it saw.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Run a probe now and print a report.",
        discussion: """
            Each subcommand runs one probe the way the daemon would and prints a readable report \
            (or one JSON object with --json). Exit status: 0 if the probe succeeded, 1 if not, \
            64 for a usage error (an unknown option, a value out of range, an empty host). \
            Limits are the config's: --count 1 to 1000, --port 1 to 65535, --timeout 0.1 to 120. \
            With --config and no subcommand, every probe in that file runs once and a table is \
            printed.

            Examples:
              netwarden probe icmp 8.8.8.8 --count 20 --interval 0.2 --interface eth1
              netwarden probe dns www.bbc.co.uk --resolver 10.0.0.53 --port 8053
              netwarden probe http https://www.example.org --json
              netwarden probe --config /etc/netwarden/netwarden.toml
            """,
        subcommands: [
            ProbeICMPCommand.self, ProbeDNSCommand.self, ProbeTCPCommand.self, ProbeHTTPCommand.self,
            ProbeLinkCommand.self, ProbeWifiCommand.self,
        ]
    )

    // Long name only, and no --json here: parent options are also parsed after a subcommand,
    // so they must not shadow the subcommands' own -c/--count and --json.
    @Option(
        name: .long,
        help: ArgumentHelp("Run every probe configured in this file once and print a table.", valueName: "file")
    )
    var config: String?

    func run() async throws {
        guard let config else {
            throw ValidationError("give a probe kind (icmp, dns, tcp, http, link) or --config FILE")
        }
        let settings: RuntimeSettings
        switch SettingsResolver.load(
            source: SettingsSource(explicitPath: config, defaultPath: config),
            overrides: .init()
        ) {
        case .success(let loaded): settings = loaded
        case .failure(let failure):
            var standardError = StandardError()
            for line in failure.lines { print(line, to: &standardError) }
            throw ExitCode(2)
        }
        if settings.probes.isEmpty {
            print("\(config): no probes configured")
            return
        }
        // All at once, as the daemon would run them; results printed in config order.
        let runner = ProbeRunner()
        let outcomes = await withTaskGroup(of: (Int, ProbeOutcome).self) { group in
            for (index, spec) in settings.probes.enumerated() { group.addTask { (index, await runner.run(spec)) } }
            var collected: [(Int, ProbeOutcome)] = []
            for await item in group { collected.append(item) }
            return collected.sorted { $0.0 < $1.0 }.map(\.1)
        }
        print(ProbeTable.render(outcomes))
        if outcomes.contains(where: { !$0.success }) { throw ExitCode(1) }
    }
}

/// The `probe --config` table: one row per probe, the figure a technician looks at first.
enum ProbeTable {
    static func render(_ outcomes: [ProbeOutcome]) -> String {
        var rows = [["PROBE", "KIND", "TARGET", "RESULT", "TIME", "DETAIL"]]
        for outcome in outcomes {
            rows.append([
                outcome.spec.name, outcome.spec.kind.rawValue, outcome.spec.target,
                outcome.success ? "ok" : (outcome.reason?.rawValue ?? "failed"), headline(outcome),
                outcome.success ? "" : (outcome.detail ?? ""),
            ])
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ").reversed().drop(while: { $0 == " " }).reversed().map(String.init).joined()
        }.joined(separator: "\n")
    }

    private static func headline(_ outcome: ProbeOutcome) -> String {
        switch outcome.details {
        case .icmp(let burst, _):
            let loss = Int((burst.lossRatio * 100).rounded())
            return burst.statistics.map {
                "\(FixedPoint.format($0.median * 1000, decimals: 2)) ms median, \(loss)% loss"
            }
                ?? "\(loss)% loss"
        case .tcp(let result, _):
            return result.connectSeconds.map { FixedPoint.format($0 * 1000, decimals: 2) + " ms" } ?? "-"
        case .http(let result):
            return FixedPoint.format(result.totalSeconds * 1000, decimals: 1) + " ms, HTTP \(result.statusCode ?? 0)"
        case .dns(let result):
            return result.lookupSeconds.map {
                FixedPoint.format($0 * 1000, decimals: 2) + " ms " + (result.rcode ?? "")
            }
                ?? "-"
        case .none:
            return "-"
        }
    }
}
