/// `[alerts]`: the daemon's alert rules, as `[[alerts.rule]]` blocks (key names fixed by the
/// alerting contract), on top of shipped defaults a school gets without writing any rule.
///
/// A block whose `name` is a default's replaces that default; `enabled = false` turns one off;
/// `include_defaults = false` drops them all.
public struct AlertsSection: ConfigSection {
    public static let name = "alerts"

    public var includeDefaults: Bool
    public var rules: [AlertRuleSettings]

    public init(includeDefaults: Bool = true, rules: [AlertRuleSettings] = []) {
        self.includeDefaults = includeDefaults
        self.rules = rules
    }

    public static let defaults = AlertsSection()

    /// The rules that run: the defaults (unless turned off) with same-named blocks replacing
    /// them, then the file's other rules; disabled ones left out.
    public var effectiveRules: [AlertRuleSettings] {
        var out = includeDefaults ? AlertRuleSettings.shippedDefaults : []
        for rule in rules {
            if let index = out.firstIndex(where: { $0.name == rule.name }) {
                out[index] = rule
            } else {
                out.append(rule)
            }
        }
        return out.filter(\.enabled)
    }

    public init(from reader: ConfigTableReader) {
        includeDefaults = reader.bool("include_defaults", default: true)
        var rules: [AlertRuleSettings] = []
        for block in reader.tables("rule") {
            rules.append(AlertRuleSettings(from: block))
            block.finish()
        }
        var seen: Set<String> = []
        for rule in rules where !rule.name.isEmpty && !seen.insert(rule.name).inserted {
            reader.report(key: "rule", "rule name `\(rule.name)` is used twice; expected unique names")
        }
        self.rules = rules
    }
}

/// One `[[alerts.rule]]` block as written.
public struct AlertRuleSettings: Sendable, Equatable {
    public enum Trigger: Sendable, Equatable {
        /// `below = N` (bad under N) or `above = N`, with an optional `clear_above`/`clear_below`.
        case below(Double, clear: Double)
        case above(Double, clear: Double)
        /// `absent_intervals = N`: no sample for N of the series' own intervals.
        case absent(Int)
        /// `event = "filter_leak"` (a trailing `*` matches a prefix); resolves after
        /// `clear_after_seconds` without another one.
        case event([String], clearAfter: Duration)
    }

    public var name: String
    public var metric: String
    public var match: [String: String]
    public var trigger: Trigger
    /// Judge the per-second increase of a counter between samples instead of its value.
    public var rate: Bool
    public var forIntervals: Int
    public var clearIntervals: Int
    public var severity: LogSeverity
    public var summary: String
    public var enabled: Bool

    public init(
        name: String,
        metric: String = "",
        match: [String: String] = [:],
        trigger: Trigger,
        rate: Bool = false,
        forIntervals: Int = 1,
        clearIntervals: Int = 1,
        severity: LogSeverity = .warning,
        summary: String = "",
        enabled: Bool = true
    ) {
        self.name = name
        self.metric = metric
        self.match = match
        self.trigger = trigger
        self.rate = rate
        self.forIntervals = forIntervals
        self.clearIntervals = clearIntervals
        self.severity = severity
        self.summary = summary
        self.enabled = enabled
    }

    private static let nameType = ConfigValueType<String>.string.checked { name in
        name.isEmpty
            || !name.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_")
            }
            ? "`\(name)` is not a rule name; expected letters, digits and _ (it becomes the alertname label)" : nil
    }

    init(from block: ConfigTableReader) {
        let name = block.required("name", Self.nameType, placeholder: "", example: "\"probe_down\"")
        let metric = block.optional("metric", .string) ?? ""
        let event = block.optional("event", .strings()) ?? block.optional("event_kind", .string).map { [$0] }
        let below = block.optional("below", .double(range: -1e18...1e18))
        let above = block.optional("above", .double(range: -1e18...1e18))
        let clearAbove = block.optional("clear_above", .double(range: -1e18...1e18))
        let clearBelow = block.optional("clear_below", .double(range: -1e18...1e18))
        let absent = block.optional("absent_intervals", .int(range: 1...10_000))
        let clearAfter = block.seconds("clear_after_seconds", range: 1...2_592_000, default: .seconds(3600))
        // `enabled = false` with just a name turns a default off; it needs no trigger.
        let enabled = block.bool("enabled", default: true)
        var trigger = Trigger.absent(1)
        var triggers = 0
        if let below {
            triggers += 1
            trigger = .below(below, clear: clearAbove ?? below)
            if let clearAbove, clearAbove < below {
                block.report(
                    key: "clear_above",
                    "clear_above (\(clearAbove)) is below `below` (\(below)); expected it at or above"
                )
            }
        }
        if let above {
            triggers += 1
            trigger = .above(above, clear: clearBelow ?? above)
            if let clearBelow, clearBelow > above {
                block.report(
                    key: "clear_below",
                    "clear_below (\(clearBelow)) is above `above` (\(above)); expected it at or below"
                )
            }
        }
        if let absent {
            triggers += 1
            trigger = .absent(absent)
        }
        if let event {
            triggers += 1
            trigger = .event(event, clearAfter: clearAfter)
        }
        if triggers != 1, block.isPresent, !name.isEmpty, enabled || triggers > 1 {
            block.report(
                key: "name",
                triggers == 0
                    ? "rule `\(name)` has no trigger; expected one of below, above, absent_intervals or event"
                    : "rule `\(name)` has \(triggers) triggers; expected exactly one of below, above, absent_intervals or event"
            )
        }
        if event == nil && metric.isEmpty && triggers == 1, block.isPresent, enabled {
            block.report(key: "metric", "missing; expected a line like metric = \"probe_success\"")
        }
        var match: [String: String] = [:]
        let matchTable = block.table("match")
        for key in matchTable.table.keys {
            if let value = matchTable.optional(key, .string) { match[key] = value }
        }
        matchTable.finish()
        self.init(
            name: name,
            metric: metric,
            match: match,
            trigger: trigger,
            rate: block.bool("rate", default: false),
            forIntervals: block.int("for_intervals", range: 1...10_000, default: 1),
            clearIntervals: block.int("clear_intervals", range: 1...10_000, default: 1),
            severity: block.word("severity", default: LogSeverity.warning),
            summary: block.string("summary", default: ""),
            enabled: enabled
        )
    }

    /// What a school gets without writing a rule (also listed, commented, in the shipped file).
    public static let shippedDefaults: [AlertRuleSettings] = [
        AlertRuleSettings(
            name: "probe_down",
            metric: "probe_success",
            trigger: .below(1, clear: 1),
            forIntervals: 3,
            clearIntervals: 2,
            severity: .critical,
            summary: "a probe keeps failing"
        ),
        AlertRuleSettings(
            name: "uplink_down",
            metric: "netwarden_link_up",
            match: ["role": "uplink"],
            trigger: .below(1, clear: 1),
            forIntervals: 2,
            clearIntervals: 2,
            severity: .critical,
            summary: "an uplink interface is down"
        ),
        AlertRuleSettings(
            name: "no_default_route",
            metric: "netwarden_default_route_present",
            trigger: .below(1, clear: 1),
            forIntervals: 2,
            clearIntervals: 1,
            severity: .critical,
            summary: "the gateway has no route to the internet"
        ),
        AlertRuleSettings(
            name: "high_loss",
            metric: "netwarden_icmp_loss_ratio",
            trigger: .above(0.2, clear: 0.05),
            forIntervals: 3,
            clearIntervals: 3,
            severity: .warning,
            summary: "packet loss above 20 %"
        ),
        AlertRuleSettings(
            name: "high_latency",
            metric: "netwarden_icmp_rtt_seconds",
            match: ["stat": "median"],
            trigger: .above(0.15, clear: 0.1),
            forIntervals: 3,
            clearIntervals: 3,
            severity: .warning,
            summary: "median round-trip time above 150 ms"
        ),
        AlertRuleSettings(
            name: "dns_slow",
            metric: "probe_dns_lookup_time_seconds",
            trigger: .above(1, clear: 0.3),
            forIntervals: 3,
            clearIntervals: 3,
            severity: .warning,
            summary: "DNS answers take over a second"
        ),
        AlertRuleSettings(
            name: "http_slow",
            metric: "probe_duration_seconds",
            match: ["kind": "http"],
            trigger: .above(5, clear: 2),
            forIntervals: 3,
            clearIntervals: 3,
            severity: .warning,
            summary: "web requests take over 5 s"
        ),
        AlertRuleSettings(
            name: "wifi_signal_weak",
            metric: "netwarden_wifi_signal_dbm",
            trigger: .below(-75, clear: -70),
            forIntervals: 3,
            clearIntervals: 3,
            severity: .warning,
            summary: "Wi-Fi uplink signal below -75 dBm"
        ),
        AlertRuleSettings(
            name: "wifi_retries_high",
            metric: "netwarden_wifi_tx_retries_total",
            trigger: .above(50, clear: 10),
            rate: true,
            forIntervals: 3,
            clearIntervals: 3,
            severity: .warning,
            summary: "Wi-Fi retransmitting over 50 frames a second"
        ),
        AlertRuleSettings(
            name: "capture_dropping",
            metric: "netwarden_capture_kernel_drops_total",
            trigger: .above(0, clear: 0),
            rate: true,
            forIntervals: 2,
            clearIntervals: 3,
            severity: .warning,
            summary: "passive capture is dropping packets"
        ),
        AlertRuleSettings(
            name: "spool_backing_up",
            metric: "netwarden_output_oldest_unsent_age_seconds",
            trigger: .above(3600, clear: 300),
            forIntervals: 1,
            clearIntervals: 1,
            severity: .warning,
            summary: "an output has not delivered for over an hour"
        ),
        AlertRuleSettings(
            name: "filter_leak",
            trigger: .event(["filter_leak"], clearAfter: .seconds(3600)),
            severity: .error,
            summary: "a must-block site was reached"
        ),
        AlertRuleSettings(
            name: "bypass_seen",
            trigger: .event(["bypass_*"], clearAfter: .seconds(3600)),
            severity: .warning,
            summary: "filter bypass in use"
        ),
        AlertRuleSettings(
            name: "safe_search_off",
            trigger: .event(["safe_search_off"], clearAfter: .seconds(86_400)),
            severity: .critical,
            summary: "safe search is not enforced"
        ),
        AlertRuleSettings(
            name: "filter_test_failing",
            trigger: .event(
                ["filter_test_failed", "filter_test_inconclusive", "over_blocking"],
                clearAfter: .seconds(86_400)
            ),
            severity: .error,
            summary: "an active filter test failed, stayed inconclusive or found over-blocking"
        ),
    ]
}
