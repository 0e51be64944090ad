import NetwardenAlerts
import NetwardenCore
import NetwardenTelemetry

/// The one JSON object `netwarden status` gets from the running daemon: each probe's last
/// result, open alerts, capture counters and the delivery backlog per output.
///
/// Contract (fields fixed, extend freely): `probes[]` with `name`, `success`, `last_run`;
/// `alerts[]` with `name`, `labels`, `state`, `since`. Times are milliseconds since the epoch,
/// as everywhere else in netwarden's JSON.
enum StatusReport {
    static func json(
        settings: RuntimeSettings,
        summary: String,
        hub: TelemetryHub,
        alerts: [Alert],
        outputs: [DeliveryStatus.Output],
        now: Int64
    ) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("daemon")
        writer.beginObject()
        writer.field("version", NetwardenVersion.string)
        writer.field("trust", settings.identity.trust)
        writer.field("site", settings.identity.site)
        writer.field("gateway", settings.identity.gateway)
        writer.field("config", settings.source)
        writer.field("summary", summary)
        writer.field("now", Int(now))
        writer.endObject()

        writer.key("probes")
        writer.beginArray()
        for (scope, time, observations) in hub.scopes(prefix: "probe:") {
            let label = { (name: String) in
                observations.first?.labels.first { $0.name == name }?.value ?? ""
            }
            let value = { (family: MetricFamily) in observations.first { $0.family == family }?.value }
            writer.beginObject()
            writer.field("name", String(scope.dropFirst("probe:".count)))
            writer.field("kind", label("kind"))
            writer.field("target", label("target"))
            writer.field("success", value(.probeSuccess) == 1)
            writer.field("last_run", Int(time))
            writer.field("duration_seconds", value(.probeDuration) ?? 0)
            writer.field("runs", Int(value(.probeRuns) ?? 0))
            writer.key("failures")
            writer.beginObject()
            for observation in observations where observation.family == .probeFailures {
                let reason = observation.labels.first { $0.name == "reason" }?.value ?? "unknown"
                writer.field(reason, Int(observation.value))
            }
            writer.endObject()
            writer.endObject()
        }
        writer.endArray()

        writer.key("alerts")
        writer.beginArray()
        for alert in alerts {
            writer.beginObject()
            writer.field("name", alert.rule)
            writer.key("labels")
            writer.beginObject()
            for label in alert.labels { writer.field(label.name, label.value) }
            writer.endObject()
            writer.field("state", alert.state.rawValue)
            writer.field("since", Int(alert.sinceMilliseconds))
            writer.field("severity", alert.severity.rawValue)
            writer.field("evidence", alert.evidence)
            writer.endObject()
        }
        writer.endArray()

        writer.key("capture")
        writer.beginArray()
        var byInterface: [String: [Observation]] = [:]
        for observation in hub.latest(scope: CaptureService.scope) {
            guard let interface = observation.labels.first(where: { $0.name == "interface" })?.value else { continue }
            byInterface[interface, default: []].append(observation)
        }
        for interface in byInterface.keys.sorted() {
            let observations = byInterface[interface]!
            let value = { (family: MetricFamily) in
                Int(observations.filter { $0.family == family }.reduce(0) { $0 + $1.value })
            }
            writer.beginObject()
            writer.field("interface", interface)
            writer.field("packets", value(.capturePackets))
            writer.field("kernel_drops", value(.captureKernelDrops))
            writer.field("names", value(.names))
            writer.field("leaks", value(.filterLeaks))
            writer.field("blocked", value(.filterBlocked))
            writer.field("bypass", value(.bypass))
            writer.endObject()
        }
        writer.endArray()

        // The last run of the active filter tests: how many checks passed, failed or were
        // inconclusive, and which did not pass; null when [filter_tests] has not run.
        writer.key("filter_tests")
        let filterTests = hub.scopes(prefix: FilterTestService.scope).first
        if let (_, time, observations) = filterTests {
            var counts: [String: Int] = [:]
            var notPassing: [(String, String)] = []
            for observation in observations where observation.family == .filterTestStatus && observation.value == 1 {
                let status = observation.labels.first { $0.name == "status" }?.value ?? "?"
                counts[status, default: 0] += 1
                if status != "pass" {
                    notPassing.append((observation.labels.first { $0.name == "check" }?.value ?? "?", status))
                }
            }
            writer.beginObject()
            writer.field("last_run", Int(time))
            for status in ["pass", "fail", "inconclusive"] { writer.field(status, counts[status, default: 0]) }
            writer.key("not_passing")
            writer.beginArray()
            for (check, status) in notPassing {
                writer.beginObject()
                writer.field("check", check)
                writer.field("status", status)
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
        } else {
            writer.null()
        }

        writer.key("delivery")
        writer.beginArray()
        for output in outputs {
            writer.beginObject()
            writer.field("name", output.name)
            writer.field("kind", output.kind)
            writer.field("backlog_records", output.backlogRecords)
            writer.field("oldest_unsent_age_seconds", output.oldestUnsentAgeSeconds)
            writer.field("sent_records", output.sentRecords)
            writer.field("failing", output.consecutiveFailures > 0)
            if let error = output.lastError { writer.field("last_error", error) }
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }
}
