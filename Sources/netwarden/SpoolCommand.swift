import ArgumentParser
import FoundationEssentials
import NetwardenCore
import NetwardenDaemon

/// `netwarden spool`: what is waiting to be delivered, per output, from the running daemon's
/// status file (so it never touches the live spool and works with /metrics off).
struct SpoolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spool",
        abstract: "Show how much telemetry is waiting to be delivered, per output.",
        discussion: """
            Reads STATE_DIRECTORY/spool/status.json, which the running daemon refreshes every \
            few seconds. Exit status 0 when every output is delivering, 1 when one is failing or \
            the status is stale, 2 when there is no status (no outputs configured, or the daemon \
            has never run).
            """
    )

    @OptionGroup var configPath: ConfigPathOption

    @Option(help: ArgumentHelp("State directory to read (default: from the configuration).", valueName: "directory"))
    var stateDirectory: String?

    @Flag(help: "Print the status as one JSON object.")
    var json = false

    func run() throws {
        let directory: String
        if let stateDirectory {
            directory = stateDirectory
        } else {
            let source = SettingsSource(explicitPath: configPath.config, defaultPath: ConfigPathOption.defaultPath)
            switch SettingsResolver.load(source: source, overrides: SettingsOverrides()) {
            case .success(let settings): directory = settings.stateDirectory
            case .failure(let failure):
                var standardError = StandardError()
                for line in failure.lines { print(line, to: &standardError) }
                throw ExitCode(2)
            }
        }
        let status: DeliveryStatus
        do {
            status = try DeliveryStatus.read(stateDirectory: directory)
        } catch {
            var standardError = StandardError()
            print(
                "no delivery status in \(DeliveryStatus.path(stateDirectory: directory)): no outputs are configured, or the daemon has not run with them",
                to: &standardError
            )
            throw ExitCode(2)
        }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let age = Double(now - status.writtenAtMilliseconds) / 1000
        let stale = age > 30
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(status), as: UTF8.self))
        } else {
            print(Self.render(status, ageSeconds: age, now: now))
        }
        if stale || status.outputs.contains(where: { $0.consecutiveFailures > 0 }) { throw ExitCode(1) }
    }

    static func render(_ status: DeliveryStatus, ageSeconds: Double, now: Int64) -> String {
        var lines: [String] = []
        let freshness =
            ageSeconds > 30
            ? "STALE: written \(duration(ageSeconds)) ago by pid \(status.pid) (is the daemon running?)"
            : "as of \(duration(ageSeconds)) ago (pid \(status.pid))"
        lines.append("spool: \(status.spoolRecords) records, \(bytes(status.spoolBytes)) on disk; \(freshness)")
        let dropped = status.droppedRecords.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        if !dropped.isEmpty {
            lines.append("dropped: " + dropped.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        }
        for output in status.outputs {
            let state = output.consecutiveFailures > 0 ? "FAILING (\(output.consecutiveFailures) attempts)" : "ok"
            lines.append("")
            lines.append("\(output.name) (\(output.kind)) \(output.url): \(state)")
            lines.append(
                "  waiting: \(output.backlogRecords) records, oldest \(duration(output.oldestUnsentAgeSeconds)) old"
            )
            var sent = "  sent: \(output.sentRecords) records (\(output.sentItems) samples/events)"
            if let last = output.lastSuccessMilliseconds {
                sent += ", last success \(duration(Double(now - last) / 1000)) ago"
            } else {
                sent += ", nothing delivered yet"
            }
            lines.append(sent)
            if output.retries > 0 || output.deadLetterBatches > 0 {
                lines.append("  retries: \(output.retries), dead-lettered batches: \(output.deadLetterBatches)")
            }
            if let error = output.lastError { lines.append("  last error: \(error)") }
        }
        return lines.joined(separator: "\n")
    }

    static func duration(_ seconds: Double) -> String {
        let whole = Int(max(0, seconds).rounded())
        if whole < 120 { return "\(whole) s" }
        if whole < 7200 { return "\(whole / 60) min" }
        if whole < 172_800 { return "\(whole / 3600) h" }
        return "\(whole / 86_400) days"
    }

    static func bytes(_ count: Int64) -> String {
        count < 1 << 20 ? "\(count / 1024) KiB" : "\(count >> 20) MiB"
    }
}
