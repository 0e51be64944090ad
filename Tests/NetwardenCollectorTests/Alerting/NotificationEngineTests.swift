import NetwardenCollectorCore
import Testing

/// The routing engine on a test clock: every transition, grouping timers, inhibition,
/// silences, offline detection and late summaries, with no sockets and no sleeping.
struct NotificationEngineTests {
    /// 2027-01-15T08:00:00Z, a Friday.
    static let t0: Int64 = 1_800_000_000_000 - 1_800_000_000_000 % 86_400_000 + 8 * 3_600_000
    static let second: Int64 = 1000

    static func engine(
        groupWait: Duration = .seconds(30),
        groupInterval: Duration = .seconds(300),
        repeatInterval: Duration = .seconds(14_400),
        routes: [RouteSettings]? = nil,
        offlineAfter: Int64 = 180_000,
        lateAfter: Int64 = 300_000,
        lateSummaryWait: Int64 = 30_000
    ) -> NotificationEngine {
        NotificationEngine(
            settings: .init(
                routes: routes ?? [
                    RouteSettings(
                        receiver: "it-team",
                        groupWait: groupWait,
                        groupInterval: groupInterval,
                        repeatInterval: repeatInterval
                    )
                ],
                offlineAfter: offlineAfter,
                lateAfter: lateAfter,
                lateSummaryWait: lateSummaryWait
            )
        )
    }

    static func alert(
        _ name: String = "probe_down",
        firing: Bool = true,
        site: String = "oak-primary",
        probe: String? = "vle",
        severity: String = "critical",
        at time: Int64,
        eventTime: Int64? = nil,
        since: Int64? = nil
    ) -> AlertInput {
        AlertInput(
            trust: "oak-trust",
            site: site,
            gateway: "gw1",
            alertname: name,
            firing: firing,
            seriesLabels: probe.map { [("probe", $0)] } ?? [],
            severity: firing ? severity : "notice",
            evidence: firing ? "\(name) tripped" : "\(name) cleared",
            startsAt: since ?? (eventTime ?? time),
            eventTime: eventTime ?? time,
            receivedAt: time
        )
    }

    /// Ticks once a second from `from` to `to` (inclusive) and returns every notification.
    static func run(_ engine: inout NotificationEngine, from: Int64, to: Int64) -> [AlertNotification] {
        var out: [AlertNotification] = []
        var now = from
        while now <= to {
            out += engine.tick(now: now).notifications
            now += second
        }
        return out
    }

    @Test func aFiringAlertWaitsForGroupWaitThenIsSentOnce() {
        var engine = Self.engine()
        engine.observe(Self.alert(at: Self.t0))
        #expect(Self.run(&engine, from: Self.t0, to: Self.t0 + 29 * Self.second).isEmpty)
        let sent = engine.tick(now: Self.t0 + 30 * Self.second).notifications
        #expect(sent.count == 1)
        let notification = try! #require(sent.first)
        #expect(notification.receiver == "it-team")
        #expect(notification.status == .firing)
        #expect(notification.alerts.map(\.alertname) == ["probe_down"])
        #expect(notification.groupLabels.map(\.name) == ["trust", "site"])
        #expect(notification.groupLabels.map(\.value) == ["oak-trust", "oak-primary"])
        #expect(notification.alerts[0].label("severity") == "critical")
        #expect(notification.alerts[0].label("probe") == "vle")
        // Nothing changed: nothing more for hours (well short of repeat_interval).
        #expect(Self.run(&engine, from: Self.t0 + 31 * Self.second, to: Self.t0 + 3_600 * Self.second).isEmpty)
    }

    @Test func aResolutionIsSentOnceAtTheNextGroupInterval() {
        var engine = Self.engine()
        engine.observe(Self.alert(at: Self.t0))
        #expect(Self.run(&engine, from: Self.t0, to: Self.t0 + 30 * Self.second).count == 1)
        engine.observe(Self.alert(firing: false, at: Self.t0 + 100 * Self.second, since: Self.t0))
        // The group is looked at every 300 s after its first send: 330 s.
        #expect(Self.run(&engine, from: Self.t0 + 31 * Self.second, to: Self.t0 + 329 * Self.second).isEmpty)
        let resolved = engine.tick(now: Self.t0 + 330 * Self.second).notifications
        #expect(resolved.count == 1)
        #expect(resolved.first?.status == .resolved)
        #expect(resolved.first?.alerts.first?.endsAt == Self.t0 + 100 * Self.second)
        // The resolution keeps the firing severity, not the daemon's `notice`.
        #expect(resolved.first?.alerts.first?.label("severity") == "critical")
        #expect(Self.run(&engine, from: Self.t0 + 331 * Self.second, to: Self.t0 + 2_000 * Self.second).isEmpty)
        #expect(engine.openAlerts(now: Self.t0 + 2_000 * Self.second).isEmpty)
    }

    @Test func flappingInputDoesNotFlapNotifications() {
        var engine = Self.engine()
        // Fires and clears inside group_wait: nothing was ever worth sending.
        engine.observe(Self.alert(at: Self.t0))
        engine.observe(Self.alert(firing: false, at: Self.t0 + 5 * Self.second, since: Self.t0))
        #expect(Self.run(&engine, from: Self.t0, to: Self.t0 + 600 * Self.second).isEmpty)

        // Fires for real, then flaps twenty times between two looks at the group, ending firing.
        let start = Self.t0 + 1_000 * Self.second
        engine.observe(Self.alert(at: start))
        #expect(Self.run(&engine, from: start, to: start + 30 * Self.second).count == 1)
        var time = start + 40 * Self.second
        for index in 0..<20 {
            engine.observe(Self.alert(firing: index % 2 == 1, at: time, since: start))
            time += 5 * Self.second
        }
        #expect(Self.run(&engine, from: start + 31 * Self.second, to: start + 1_500 * Self.second).isEmpty)

        // Flapping that ends resolved: one resolution, nothing else.
        var flapTime = start + 1_600 * Self.second
        for index in 0..<10 {
            engine.observe(Self.alert(firing: index % 2 == 0, at: flapTime, since: start))
            flapTime += 3 * Self.second
        }
        let after = Self.run(&engine, from: start + 1_501 * Self.second, to: start + 3_000 * Self.second)
        #expect(after.count == 1)
        #expect(after.first?.status == .resolved)
    }

    @Test func repeatIntervalResendsStillFiringAlertsOnly() {
        var engine = Self.engine(groupInterval: .seconds(60), repeatInterval: .seconds(600))
        engine.observe(Self.alert(at: Self.t0))
        let sent = Self.run(&engine, from: Self.t0, to: Self.t0 + 1_229 * Self.second)
        // First at 30 s, repeats at the first look at or after +600 s: 630 s and 1230 s.
        #expect(sent.map(\.createdAt) == [Self.t0 + 30 * Self.second, Self.t0 + 630 * Self.second])
        #expect(sent.allSatisfy { $0.status == .firing && $0.alerts.count == 1 })
    }

    @Test func alertsOfOneSchoolShareAGroupAndLateJoinersWaitForTheInterval() {
        var engine = Self.engine()
        engine.observe(Self.alert(at: Self.t0))
        engine.observe(Self.alert("dns_slow", probe: "dns", severity: "warning", at: Self.t0 + 10 * Self.second))
        engine.observe(Self.alert(site: "ash-academy", at: Self.t0 + 10 * Self.second))
        let first = Self.run(&engine, from: Self.t0, to: Self.t0 + 40 * Self.second)
        #expect(first.count == 2)
        let oak = try! #require(first.first { $0.groupLabels.last?.value == "oak-primary" })
        #expect(Set(oak.alerts.map(\.alertname)) == ["probe_down", "dns_slow"])
        #expect(oak.commonLabels.map(\.name).contains("site"))
        #expect(!oak.commonLabels.map(\.name).contains("alertname"))
        // A third alert joins oak's group after its first send: it waits for group_interval.
        engine.observe(Self.alert("http_slow", probe: "vle", at: Self.t0 + 60 * Self.second))
        #expect(Self.run(&engine, from: Self.t0 + 41 * Self.second, to: Self.t0 + 329 * Self.second).isEmpty)
        let update = engine.tick(now: Self.t0 + 330 * Self.second).notifications
        #expect(update.count == 1)
        #expect(update.first?.alerts.count == 3)
    }

    @Test func routesMatchOnLabelsFirstMatchWinsUnlessContinue() {
        let routes = [
            RouteSettings(
                receiver: "pager",
                match: ["severity": "critical"],
                groupWait: .seconds(0),
                continueMatching: true
            ),
            RouteSettings(receiver: "email", match: ["severity": "critical"], groupWait: .seconds(0)),
            RouteSettings(receiver: "chat", groupWait: .seconds(0)),
        ]
        var engine = Self.engine(routes: routes)
        engine.observe(Self.alert(at: Self.t0))
        engine.observe(Self.alert("dns_slow", site: "ash-academy", probe: "dns", severity: "warning", at: Self.t0))
        let sent = engine.tick(now: Self.t0).notifications
        #expect(Set(sent.map(\.receiver)) == ["pager", "email", "chat"])
        #expect(sent.first { $0.receiver == "chat" }?.alerts.map(\.alertname) == ["dns_slow"])
        #expect(sent.first { $0.receiver == "pager" }?.alerts.map(\.alertname) == ["probe_down"])
    }

    @Test func aSilentSchoolGoesOfflineOnceAndComesBack() {
        var engine = Self.engine()
        engine.contact(trust: "oak-trust", site: "oak-primary", at: Self.t0)
        _ = engine.tick(now: Self.t0)
        #expect(Self.run(&engine, from: Self.t0, to: Self.t0 + 179 * Self.second).isEmpty)
        #expect(engine.openAlerts(now: Self.t0 + 179 * Self.second).isEmpty)
        _ = engine.tick(now: Self.t0 + 180 * Self.second)
        let open = engine.openAlerts(now: Self.t0 + 180 * Self.second)
        #expect(open.map(\.alertname) == [SchoolOfflineDetector.alertName])
        let fired = Self.run(&engine, from: Self.t0 + 181 * Self.second, to: Self.t0 + 600 * Self.second)
        #expect(fired.count == 1)
        #expect(fired.first?.alerts.first?.alertname == "school_offline")
        #expect(fired.first?.alerts.first?.label("gateway") == nil)
        engine.contact(trust: "oak-trust", site: "oak-primary", at: Self.t0 + 700 * Self.second)
        // (Up to 700 + 180 s: past that, silence again would rightly be a new outage.)
        let back = Self.run(&engine, from: Self.t0 + 700 * Self.second, to: Self.t0 + 870 * Self.second)
        #expect(back.count == 1)
        #expect(back.first?.status == .resolved)
        #expect(back.first?.alerts.first?.endsAt == Self.t0 + 700 * Self.second)
        _ = engine.tick(now: Self.t0 + 880 * Self.second)
        #expect(engine.openAlerts(now: Self.t0 + 880 * Self.second).map(\.alertname) == ["school_offline"])
    }

    @Test func aCollectorThatWasItselfDownDoesNotPageForEverySchool() {
        var engine = Self.engine()
        // Last contact a day before the collector's first tick.
        engine.contact(trust: "oak-trust", site: "oak-primary", at: Self.t0 - 86_400_000)
        _ = engine.tick(now: Self.t0)
        #expect(engine.openAlerts(now: Self.t0).isEmpty)
        _ = engine.tick(now: Self.t0 + 180 * Self.second)
        #expect(engine.openAlerts(now: Self.t0 + 180 * Self.second).map(\.alertname) == ["school_offline"])
    }

    @Test func inhibitionHoldsBackSymptomsButNeverResolutions() {
        var engine = Self.engine(groupWait: .seconds(10), groupInterval: .seconds(60))
        engine.observe(Self.alert(at: Self.t0))
        let first = Self.run(&engine, from: Self.t0, to: Self.t0 + 10 * Self.second)
        #expect(first.count == 1)
        // The uplink goes down: new symptoms are held back and recorded.
        engine.observe(Self.alert("uplink_down", probe: nil, at: Self.t0 + 20 * Self.second))
        engine.observe(Self.alert("dns_failing", probe: "dns", at: Self.t0 + 21 * Self.second))
        var suppressed: [SuppressedAlert] = []
        var sent: [AlertNotification] = []
        for time in stride(from: Self.t0 + 11 * Self.second, through: Self.t0 + 70 * Self.second, by: 1000) {
            let output = engine.tick(now: time)
            sent += output.notifications
            suppressed += output.suppressed
        }
        #expect(sent.count == 1)
        #expect(sent.first?.alerts.map(\.alertname) == ["uplink_down"])
        #expect(suppressed.map(\.alert.alertname) == ["dns_failing"])
        #expect(suppressed.first?.suppression == .inhibited(by: "uplink_down"))
        #expect(
            engine.openAlerts(now: Self.t0 + 70 * Self.second).first { $0.alertname == "dns_failing" }?.suppression
                == .inhibited(by: "uplink_down")
        )
        // probe_down (notified before) resolves while the uplink is still down: it is sent.
        engine.observe(Self.alert(firing: false, at: Self.t0 + 80 * Self.second, since: Self.t0))
        let resolution = Self.run(&engine, from: Self.t0 + 71 * Self.second, to: Self.t0 + 130 * Self.second)
        #expect(resolution.count == 1)
        #expect(resolution.first?.resolved.map(\.alertname) == ["probe_down"])
        #expect(resolution.first?.firing.map(\.alertname) == ["uplink_down"])
        // The uplink returns: dns_failing, still firing and never sent, now goes out.
        engine.observe(Self.alert("uplink_down", firing: false, probe: nil, at: Self.t0 + 140 * Self.second))
        let after = Self.run(&engine, from: Self.t0 + 131 * Self.second, to: Self.t0 + 190 * Self.second)
        #expect(after.count == 1)
        #expect(after.first?.firing.map(\.alertname) == ["dns_failing"])
        #expect(after.first?.resolved.map(\.alertname) == ["uplink_down"])
    }

    @Test func schoolOfflineInhibitsTheSchoolsProbeAlertsOnly() {
        var engine = Self.engine(groupWait: .seconds(10), groupInterval: .seconds(60), offlineAfter: 30_000)
        engine.contact(trust: "oak-trust", site: "oak-primary", at: Self.t0)
        engine.contact(trust: "oak-trust", site: "ash-academy", at: Self.t0)
        _ = engine.tick(now: Self.t0)
        engine.observe(Self.alert(at: Self.t0 + 1 * Self.second))
        engine.observe(Self.alert(site: "ash-academy", at: Self.t0 + 1 * Self.second))
        // oak goes quiet at t0; ash keeps talking. Group wait (10 s) sends both probe alerts first.
        func run(from: Int64, to: Int64) -> [AlertNotification] {
            var out: [AlertNotification] = []
            for time in stride(from: from, through: to, by: 1000) {
                engine.contact(trust: "oak-trust", site: "ash-academy", at: time)
                out += engine.tick(now: time).notifications
            }
            return out
        }
        var sent = run(from: Self.t0 + 1 * Self.second, to: Self.t0 + 11 * Self.second)
        #expect(sent.count == 2)
        engine.observe(Self.alert("dns_failing", probe: "dns", at: Self.t0 + 20 * Self.second))
        sent = run(from: Self.t0 + 12 * Self.second, to: Self.t0 + 100 * Self.second)
        let oak = sent.filter { $0.groupLabels.last?.value == "oak-primary" }
        #expect(oak.count == 1)
        #expect(oak.first?.firing.map(\.alertname) == ["school_offline"])
        #expect(sent.allSatisfy { $0.groupLabels.last?.value == "oak-primary" })
    }

    @Test func maintenanceAndSilencesHoldBackFiringButNotResolutions() {
        var engine = Self.engine(groupWait: .seconds(0), groupInterval: .seconds(60))
        engine.observe(Self.alert(at: Self.t0))
        #expect(engine.tick(now: Self.t0).notifications.count == 1)
        engine.setSilences([
            Silence(
                id: "config:1",
                kind: .maintenance,
                trust: "oak-trust",
                site: "oak-primary",
                schedule: .once(starts: Self.t0, ends: Self.t0 + 3_600_000),
                comment: "uplink upgrade"
            ),
            Silence(
                id: "db:4",
                kind: .silence,
                trust: "oak-trust",
                site: "ash-academy",
                alertname: "dns_failing",
                schedule: .once(starts: Self.t0, ends: Self.t0 + 3_600_000)
            ),
        ])
        engine.observe(Self.alert("dns_failing", probe: "dns", at: Self.t0 + 5 * Self.second))
        engine.observe(Self.alert("dns_failing", site: "ash-academy", probe: "dns", at: Self.t0 + 5 * Self.second))
        engine.observe(Self.alert("http_failing", site: "ash-academy", probe: "vle", at: Self.t0 + 5 * Self.second))
        engine.observe(Self.alert(firing: false, at: Self.t0 + 10 * Self.second, since: Self.t0))
        var sent: [AlertNotification] = []
        var suppressed: [SuppressedAlert] = []
        for time in stride(from: Self.t0 + Self.second, through: Self.t0 + 600 * Self.second, by: 1000) {
            let output = engine.tick(now: time)
            sent += output.notifications
            suppressed += output.suppressed
        }
        // The resolution went out despite the window; ash's http alert is not covered.
        #expect(sent.flatMap(\.resolved).map(\.alertname) == ["probe_down"])
        #expect(sent.flatMap(\.firing).map(\.alertname) == ["http_failing"])
        #expect(
            Set(suppressed.map { "\($0.alert.site):\($0.suppression.reason)" })
                == ["oak-primary:maintenance", "ash-academy:silenced"]
        )
        // Each suppression is recorded once, not on every look at the group.
        #expect(suppressed.count == 2)
        #expect(engine.activeSilences(now: Self.t0).count == 2)
        #expect(engine.activeSilences(now: Self.t0 + 3_600_000).isEmpty)
        // The window ends: what still fires is sent at the next look.
        let later = Self.run(&engine, from: Self.t0 + 3_600 * Self.second, to: Self.t0 + 3_700 * Self.second)
        #expect(Set(later.flatMap(\.firing).map(\.site)) == ["oak-primary", "ash-academy"])
    }

    @Test func lateAlertsFromABacklogBecomeOneSummary() {
        var engine = Self.engine(groupWait: .seconds(0), groupInterval: .seconds(60))
        let arrival = Self.t0 + 3_600_000
        // A backlog arriving an hour late, over three batches: 10:42–11:30 style.
        engine.observe(Self.alert("uplink_down", probe: nil, at: arrival, eventTime: Self.t0))
        engine.observe(Self.alert(at: arrival, eventTime: Self.t0 + 180_000))
        engine.observe(
            Self.alert(
                firing: false,
                at: arrival + 2 * Self.second,
                eventTime: Self.t0 + 1_500_000,
                since: Self.t0 + 180_000
            )
        )
        engine.observe(
            Self.alert(
                "uplink_down",
                firing: false,
                probe: nil,
                at: arrival + 4 * Self.second,
                eventTime: Self.t0 + 2_880_000
            )
        )
        engine.observe(
            Self.alert("dns_slow", probe: "dns", at: arrival + 5 * Self.second, eventTime: Self.t0 + 2_000_000)
        )
        var sent: [AlertNotification] = []
        var suppressed: [SuppressedAlert] = []
        for time in stride(from: arrival, through: arrival + 120 * Self.second, by: 1000) {
            let output = engine.tick(now: time)
            sent += output.notifications
            suppressed += output.suppressed
        }
        #expect(sent.count == 1, "\(sent.map(\.title))")
        let summary = try! #require(sent.first)
        #expect(summary.isLateSummary)
        #expect(summary.createdAt == arrival + 35 * Self.second)
        let text = summary.alerts.first?.annotation("summary") ?? ""
        #expect(text.hasPrefix("while offline, 08:00–08:48 UTC: "), "\(text)")
        #expect(text.contains("uplink_down fired 08:00, resolved 08:48"), "\(text)")
        #expect(text.contains("probe_down (probe=vle) fired 08:03, resolved 08:25"), "\(text)")
        #expect(text.contains("dns_slow (probe=dns) fired 08:33, still firing"), "\(text)")
        #expect(summary.status == .firing)
        #expect(Set(suppressed.map(\.suppression)) == [.lateSummary])
        #expect(Set(suppressed.map(\.alert.alertname)) == ["uplink_down", "probe_down", "dns_slow"])
        // dns_slow (still firing) resolves live: that resolution is sent as usual.
        engine.observe(Self.alert("dns_slow", firing: false, probe: "dns", at: arrival + 200 * Self.second))
        let resolution = Self.run(&engine, from: arrival + 121 * Self.second, to: arrival + 300 * Self.second)
        #expect(resolution.count == 1)
        #expect(resolution.first?.resolved.map(\.alertname) == ["dns_slow"])
        #expect(resolution.first?.isLateSummary == false)
    }

    @Test func replayedStateIsNotSentAgainButItsResolutionIs() {
        var engine = Self.engine(groupWait: .seconds(0), groupInterval: .seconds(60))
        engine.observe(Self.alert(at: Self.t0 - 600_000), replay: true)
        #expect(Self.run(&engine, from: Self.t0, to: Self.t0 + 300 * Self.second).isEmpty)
        #expect(engine.openAlerts(now: Self.t0).count == 1)
        engine.observe(Self.alert(firing: false, at: Self.t0 + 301 * Self.second))
        let sent = Self.run(&engine, from: Self.t0 + 301 * Self.second, to: Self.t0 + 400 * Self.second)
        #expect(sent.count == 1)
        #expect(sent.first?.status == .resolved)
    }

    @Test func anOlderEventArrivingAfterANewerOneIsIgnored() {
        var engine = Self.engine(groupWait: .seconds(0))
        engine.observe(Self.alert(firing: false, at: Self.t0 + 10 * Self.second))
        engine.observe(Self.alert(at: Self.t0 + 11 * Self.second, eventTime: Self.t0 + 5 * Self.second))
        #expect(engine.openAlerts(now: Self.t0 + 20 * Self.second).isEmpty)
        #expect(engine.tick(now: Self.t0 + 20 * Self.second).notifications.isEmpty)
    }
}
