import NetwardenAlerts
import NetwardenCore
import NetwardenTelemetry
import Testing

/// Every transition of the rule state machine, driven by made-up times.
@Suite struct AlertEngineTests {
    static let identity = AgentIdentity(trust: "t", site: "s", gateway: "g")

    static let probeDown = AlertRule(
        name: "probe_down",
        metric: "probe_success",
        condition: .threshold(direction: .below, fire: 1, clear: 1),
        forIntervals: 3,
        clearIntervals: 2,
        severity: .critical
    )

    static func group(_ value: Double, at seconds: Int64, probe: String = "vle") -> SampleGroup {
        SampleGroup(
            timestampMilliseconds: seconds * 1000,
            identity: identity,
            observations: [Observation(.probeSuccess, value, [Label("probe", probe), Label("kind", "http")])]
        )
    }

    /// Feeds values one per 30 s and returns each step's transitions as "firing"/"resolved"/"".
    static func run(_ engine: inout AlertEngine, _ values: [Double], start: Int64 = 0) -> [String] {
        values.enumerated().map { index, value in
            engine.observe(group(value, at: start + Int64(index) * 30)).map(\.kind.rawValue).joined(separator: ",")
        }
    }

    @Test func firesAfterForIntervalsAndResolvesAfterClearIntervals() {
        var engine = AlertEngine(rules: [Self.probeDown])
        #expect(Self.run(&engine, [1, 0, 0, 0, 0, 1, 1, 1]) == ["", "", "", "firing", "", "", "resolved", ""])
    }

    @Test func flappingInputNeverFires() {
        var engine = AlertEngine(rules: [Self.probeDown])
        let steps = Self.run(&engine, [0, 0, 1, 0, 0, 1, 0, 0, 1, 0])
        #expect(steps.allSatisfy { $0.isEmpty })
        #expect(engine.open.map(\.state) == [.pending])
    }

    @Test func oneGoodResultAmongBadOnesDoesNotResolve() {
        var engine = AlertEngine(rules: [Self.probeDown])
        #expect(Self.run(&engine, [0, 0, 0, 1, 0, 1, 0, 1, 1]) == ["", "", "firing", "", "", "", "", "", "resolved"])
    }

    @Test func theHysteresisBandHoldsTheState() {
        let loss = AlertRule(
            name: "high_loss",
            metric: "netwarden_icmp_loss_ratio",
            condition: .threshold(direction: .above, fire: 0.2, clear: 0.05),
            forIntervals: 2,
            clearIntervals: 2
        )
        var engine = AlertEngine(rules: [loss])
        var results: [String] = []
        for (index, value) in [0.3, 0.25, 0.1, 0.1, 0.1, 0.0, 0.0].enumerated() {
            let group = SampleGroup(
                timestampMilliseconds: Int64(index) * 1000,
                identity: Self.identity,
                observations: [Observation(.icmpLossRatio, value, [Label("probe", "isp")])]
            )
            results.append(engine.observe(group).map(\.kind.rawValue).joined())
        }
        // 0.1 sits between the clear (0.05) and fire (0.2) limits: it neither resolves nor fires.
        #expect(results == ["", "firing", "", "", "", "", "resolved"])
    }

    @Test func eachSeriesHasItsOwnAlertWithAStableKeyAndEvidence() throws {
        var engine = AlertEngine(rules: [Self.probeDown])
        var transitions: [AlertTransition] = []
        for step in 0..<3 {
            transitions += engine.observe(Self.group(0, at: Int64(step) * 30, probe: "vle"))
            transitions += engine.observe(Self.group(1, at: Int64(step) * 30, probe: "dns"))
        }
        let firing = try #require(transitions.only)
        #expect(firing.alert.key == "probe_down|kind=http,probe=vle")
        #expect(
            firing.alert.labels == [Label("alertname", "probe_down"), Label("probe", "vle"), Label("kind", "http")]
        )
        #expect(firing.alert.evidence == #"probe_success{kind="http",probe="vle"} = 0 (below 1) for 3 intervals"#)
        #expect(firing.atMilliseconds == 60_000)
        let draft = firing.draft
        #expect(draft.kind == AlertTransition.firingKind)
        #expect(draft.severity == .critical)
        #expect(draft.id == firing.draft.id)
        #expect(draft.attributes.contains(Label("state", "firing")))
        #expect(engine.open.map(\.key) == ["probe_down|kind=http,probe=vle"])
    }

    @Test func matchRestrictsTheSeries() {
        var rule = Self.probeDown
        rule.match = ["probe": "dns"]
        rule.forIntervals = 1
        var engine = AlertEngine(rules: [rule])
        #expect(engine.observe(Self.group(0, at: 0, probe: "vle")).isEmpty)
        #expect(engine.observe(Self.group(0, at: 0, probe: "dns")).count == 1)
    }

    @Test func absenceFiresWhenASeriesStopsAndResolvesWhenItReturns() {
        let absent = AlertRule(name: "probe_silent", metric: "probe_success", condition: .absent(intervals: 3))
        var engine = AlertEngine(rules: [absent])
        _ = engine.observe(Self.group(1, at: 0))
        _ = engine.observe(Self.group(1, at: 30))
        #expect(engine.tick(now: 100_000).isEmpty)  // 70 s silent: under 3 x 30 s
        let fired = engine.tick(now: 121_000)
        #expect(fired.map(\.kind) == [.firing])
        #expect(engine.tick(now: 150_000).isEmpty)  // fires once
        #expect(engine.observe(Self.group(1, at: 160)).map(\.kind) == [.resolved])
    }

    @Test func eventRulesFireOnceAndResolveAfterAQuietPeriod() {
        let leak = AlertRule(
            name: "filter_leak",
            condition: .event(kinds: ["filter_leak"], clearAfter: .seconds(600)),
            severity: .error
        )
        let bypass = AlertRule(name: "bypass_seen", condition: .event(kinds: ["bypass_*"], clearAfter: .seconds(60)))
        var engine = AlertEngine(rules: [leak, bypass])
        func event(_ kind: String, at seconds: Int64, category: String? = nil) -> TelemetryEvent {
            TelemetryEvent(
                id: "x",
                timestampMilliseconds: seconds * 1000,
                identity: Self.identity,
                kind: EventKind(kind),
                severity: .error,
                subject: "casino.example",
                evidence: "TLS handshake completed",
                attributes: category.map { [Label("category", $0)] } ?? []
            )
        }
        #expect(engine.observe(event("filter_leak", at: 0, category: "gambling")).map(\.kind) == [.firing])
        #expect(engine.observe(event("filter_leak", at: 300, category: "gambling")).isEmpty)
        #expect(engine.observe(event("filter_leak", at: 310, category: "adult")).map(\.kind) == [.firing])
        #expect(engine.observe(event("bypass_doh", at: 320)).map(\.kind) == [.firing])
        #expect(engine.observe(event("alert_firing", at: 320)).isEmpty)
        #expect(engine.tick(now: 800_000).map(\.alert.rule) == ["bypass_seen"])
        // gambling's last leak was at 300 s: quiet for 600 s at 900 s; adult at 910 s.
        #expect(engine.tick(now: 900_000).map(\.alert.key) == ["filter_leak|category=gambling,kind=filter_leak"])
        #expect(engine.tick(now: 910_000).map(\.kind) == [.resolved])
        #expect(engine.open.isEmpty)
    }

    @Test func aReloadKeepsUnchangedRulesAndResolvesRemovedOnes() {
        var rule = Self.probeDown
        rule.forIntervals = 1
        var engine = AlertEngine(rules: [rule])
        _ = engine.observe(Self.group(0, at: 0))
        #expect(engine.replaceRules([rule], now: 10_000).isEmpty)
        #expect(engine.open.count == 1)
        var changed = rule
        changed.severity = .warning
        #expect(engine.replaceRules([changed], now: 20_000).map(\.kind) == [.resolved])
        #expect(engine.open.isEmpty)
    }
}

extension Array {
    fileprivate var only: Element? { count == 1 ? first : nil }
}

@Suite struct AlertRateTests {
    @Test func rateRulesJudgeTheIncreasePerSecondAndIgnoreResets() {
        let drops = AlertRule(
            name: "capture_dropping",
            metric: "netwarden_capture_kernel_drops_total",
            condition: .threshold(direction: .above, fire: 0, clear: 0),
            rate: true,
            forIntervals: 2,
            clearIntervals: 1
        )
        var engine = AlertEngine(rules: [drops])
        var steps: [String] = []
        // Counter values every 10 s: flat, rising twice (fires), a restart (reset: no verdict),
        // then flat (resolves).
        for (index, value) in [5.0, 5, 50, 90, 3, 3].enumerated() {
            let group = SampleGroup(
                timestampMilliseconds: Int64(index) * 10_000,
                identity: AlertEngineTests.identity,
                observations: [Observation(.captureKernelDrops, value, [Label("interface", "lan0")])]
            )
            steps.append(engine.observe(group).map(\.kind.rawValue).joined())
        }
        #expect(steps == ["", "", "", "firing", "", "resolved"])
    }
}

@Suite struct AlertStaleSeriesTests {
    @Test func aFiringSeriesThatStopsBeingPublishedIsResolvedAsGone() {
        var engine = AlertEngine(rules: [AlertEngineTests.probeDown])
        for step in 0..<3 { _ = engine.observe(AlertEngineTests.group(0, at: Int64(step) * 30)) }
        #expect(engine.open.map(\.state) == [.firing])
        // Last sample at 60 s; 3 intervals of 30 s is under the five-minute floor.
        #expect(engine.tick(now: 300_000).isEmpty)
        let gone = engine.tick(now: 361_000)
        #expect(gone.map(\.kind) == [.resolved])
        #expect(gone.first?.alert.evidence.contains("no longer reported") == true)
        #expect(engine.open.isEmpty)
        #expect(engine.tick(now: 999_000).isEmpty)
    }
}

@Suite struct AlertAbsenceCadenceTests {
    @Test func oneEarlyPublishDoesNotShrinkTheCadenceIntoAFalseAlarm() {
        let absent = AlertRule(name: "probe_silent", metric: "probe_success", condition: .absent(intervals: 3))
        var engine = AlertEngine(rules: [absent])
        for seconds: Int64 in [0, 30, 60, 65] { _ = engine.observe(AlertEngineTests.group(1, at: seconds)) }
        // The last gap was 5 s, but the series' cadence is 30 s: 35 s of silence is not absence.
        #expect(engine.tick(now: 100_000).isEmpty)
        #expect(engine.tick(now: 156_000).map(\.kind) == [.firing])
    }
}
