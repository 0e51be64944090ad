import ArgumentParser
import FoundationEssentials
import NetwardenCore
import NetwardenDaemon
import NetwardenFiltering

/// `netwarden filter-test [--config FILE] [--json]`: every filter check now, from every vantage.
struct FilterTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter-test",
        abstract: "Test the web filter now: canaries, must-allow sites, safe search, bypass routes, TLS interception.",
        discussion: """
            Runs every check of [filter_tests] from every configured vantage, each judged like \
            OONI's web connectivity test (DNS, TCP, TLS, HTTP) with a control over the same \
            vantage: when the control fails, a check is inconclusive, never a pass. \
            Without --json the report is readable by a safeguarding lead; with --json it is one \
            object {"checks": [...], "summary": {"pass": N, "fail": N, "inconclusive": N}}. \
            Exit status: 0 all pass, 1 any fail, 3 inconclusive results and no fail, 2 bad config.
            """
    )

    @OptionGroup var configPath: ConfigPathOption

    @Flag(help: "Print one JSON object instead of the readable report.")
    var json = false

    @Option(
        help: ArgumentHelp(
            "Verify a compliance log's hash chain instead of testing (exit 0 intact, 1 broken).",
            valueName: "file"
        )
    )
    var verifyLog: String?

    func run() async throws {
        var standardError = StandardError()
        if let verifyLog {
            // What an inspector runs on a copy of <state_directory>/compliance/compliance.jsonl.
            switch ComplianceLog.verify(path: verifyLog) {
            case .success(let last):
                print("\(verifyLog): chain intact; last hash \(last)")
                return
            case .failure(let broken):
                print("\(verifyLog): chain BROKEN at \(broken)", to: &standardError)
                throw ExitCode(1)
            }
        }
        let config: NetwardenConfig
        let path = configPath.config ?? ConfigPathOption.defaultPath
        if configPath.config == nil, !FileManager.default.fileExists(atPath: path) {
            config = .embeddedDefault
        } else {
            switch ConfigFile.load(path: path) {
            case .success(let loaded): config = loaded
            case .failure(let errors):
                for diagnostic in errors.diagnostics { print(diagnostic.description, to: &standardError) }
                throw ExitCode(2)
            }
        }
        // The run number picks this run's catalogue rotation: a new slice every hour.
        let run = Int(Date().timeIntervalSince1970 / 3600)
        let setup: FilterTestSetup
        switch FilterTestSetup.load(config.filterTests, run: run) {
        case .success(let loaded): setup = loaded
        case .failure(let failure):
            for line in failure.lines { print(line, to: &standardError) }
            throw ExitCode(2)
        }
        for warning in setup.warnings { print("warning: \(warning)", to: &standardError) }
        let results = await setup.run()
        if json {
            print(FilterTestSummary.json(results))
        } else {
            print(FilterTestReport.render(results, site: config.identity.site, time: Date()))
        }
        let code = FilterTestSummary(results).exitCode
        if code != 0 { throw ExitCode(code) }
    }
}
