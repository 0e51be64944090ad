import FoundationEssentials
import Glibc

/// The parts of the daemon's status report the text screen shows (the JSON has more).
struct StatusReportView: Decodable {
    struct Daemon: Decodable {
        var version: String
        var trust: String
        var site: String
        var gateway: String
        var summary: String
        var now: Int64
    }

    struct Probe: Decodable {
        var name: String
        var kind: String
        var target: String
        var success: Bool
        var last_run: Int64
        var failures: [String: Int]
    }

    struct Alert: Decodable {
        var name: String
        var labels: [String: String]
        var state: String
        var since: Int64
        var severity: String
        var evidence: String
    }

    struct Capture: Decodable {
        var interface: String
        var packets: Int
        var kernel_drops: Int
        var names: Int
        var leaks: Int
        var blocked: Int
        var bypass: Int
    }

    struct Output: Decodable {
        var name: String
        var kind: String
        var backlog_records: Int
        var oldest_unsent_age_seconds: Double
        var failing: Bool
        var last_error: String?
    }

    struct FilterTests: Decodable {
        struct Check: Decodable {
            var check: String
            var status: String
        }

        var last_run: Int64
        var pass: Int
        var fail: Int
        var inconclusive: Int
        var not_passing: [Check]
    }

    var daemon: Daemon
    var probes: [Probe]
    var filter_tests: FilterTests?
    var alerts: [Alert]
    var capture: [Capture]
    var delivery: [Output]
}

/// `netwarden status` as text: one screen a technician reads top to bottom.
enum StatusScreen {
    static func render(_ report: StatusReportView, systemd: String?) -> String {
        var lines: [String] = []
        let daemon = report.daemon
        let now = daemon.now
        lines.append(
            "netwarden \(daemon.version): site \(daemon.site) (trust \(daemon.trust), gateway \(daemon.gateway))"
        )
        if let systemd { lines.append("systemd: \(systemd)") }
        lines.append("summary: \(daemon.summary)")

        lines.append("")
        lines.append("Probes (\(report.probes.count)):")
        for probe in report.probes {
            var line =
                "  \(probe.success ? "ok  " : "FAIL") \(probe.name) (\(probe.kind) \(probe.target)), \(ago(now, probe.last_run))"
            let failures = probe.failures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            if !failures.isEmpty { line += "; failures since start: " + failures.joined(separator: ", ") }
            lines.append(line)
        }

        lines.append("")
        lines.append(report.alerts.isEmpty ? "Alerts: none open" : "Alerts (\(report.alerts.count) open):")
        for alert in report.alerts {
            let labels = alert.labels.filter { $0.key != "alertname" }.sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            lines.append("  \(alert.state) \(alert.severity) \(alert.name) \(labels), since \(ago(now, alert.since))")
            if !alert.evidence.isEmpty { lines.append("      \(alert.evidence)") }
        }

        lines.append("")
        lines.append(report.capture.isEmpty ? "Capture: off" : "Capture:")
        for interface in report.capture {
            lines.append(
                "  \(interface.interface): \(interface.packets) packets, \(interface.kernel_drops) dropped by the kernel, \(interface.names) names, \(interface.leaks) leaks, \(interface.blocked) blocked, \(interface.bypass) bypass"
            )
        }
        lines.append("")
        if let tests = report.filter_tests {
            lines.append(
                "Filter tests (last run \(ago(now, tests.last_run))): \(tests.pass) pass, \(tests.fail) fail, \(tests.inconclusive) inconclusive"
            )
            for check in tests.not_passing { lines.append("  \(check.status.uppercased()) \(check.check)") }
        } else {
            lines.append("Filter tests: not run (see [filter_tests])")
        }
        lines.append(report.delivery.isEmpty ? "Delivery: no outputs (nothing leaves this gateway)" : "Delivery:")
        for output in report.delivery {
            var line =
                "  \(output.name) (\(output.kind)): \(output.failing ? "FAILING" : "ok"), \(output.backlog_records) records waiting"
            if output.oldest_unsent_age_seconds > 0 {
                line += ", oldest \(Int(output.oldest_unsent_age_seconds)) s old"
            }
            if let error = output.last_error { line += "; last error: \(error)" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    static func ago(_ now: Int64, _ time: Int64) -> String {
        let seconds = max(0, (now - time) / 1000)
        if seconds < 120 { return "\(seconds) s ago" }
        if seconds < 7200 { return "\(seconds / 60) min ago" }
        return "\(seconds / 3600) h ago"
    }
}

/// The unit's live state from systemd (`active (running): <STATUS=>`), or nil where there is
/// no systemd or no such unit (a foreground run, a container).
enum SystemdUnitLine {
    static func read(unit: String) -> String? {
        guard
            let pipe = popen(
                "systemctl show \(unit) --property=LoadState,ActiveState,SubState,StatusText 2>/dev/null",
                "r"
            )
        else { return nil }
        var output = ""
        var buffer = [CChar](repeating: 0, count: 4096)
        while fgets(&buffer, Int32(buffer.count), pipe) != nil {
            output += String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        guard pclose(pipe) == 0 else { return nil }
        var properties: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            properties[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        guard properties["LoadState"] == "loaded" else { return nil }
        var text = "\(properties["ActiveState"] ?? "?") (\(properties["SubState"] ?? "?"))"
        if let status = properties["StatusText"], !status.isEmpty { text += ": \(status)" }
        return text
    }
}
