/// The collector's alert router: a pure state machine over alert events, school contacts,
/// silences and the time, with no I/O (the delivery service feeds it and sends what it says).
///
/// - Alert state per school gateway and alert key (name + series labels).
/// - Grouping as Alertmanager does it: a new group waits `group_wait`, then is looked at every
///   `group_interval`; it is sent when it has a firing alert not yet notified, a resolution of
///   one that was, or when `repeat_interval` has passed with alerts still firing. An alert that
///   flaps between two looks is seen in its latest state only, so flapping input never flaps
///   notifications.
/// - `school_offline` raised by the collector itself (`SchoolOfflineDetector`).
/// - Inhibition: while a school's `school_offline` or `uplink_down` fires, its other firing
///   alerts are recorded but not sent. Silences and maintenance windows likewise. Neither ever
///   holds back the resolution of an alert that was notified.
/// - Late alerts (event time much older than arrival, from a backlog after an outage) are kept
///   out of the live groups and sent as one summary per school once the backlog has drained.
public struct NotificationEngine: Sendable {
    public typealias School = SchoolOfflineDetector.School

    /// What the engine runs by, from `[alerts]` and the `[[route]]` blocks.
    public struct Settings: Sendable, Equatable {
        public var routes: [RouteSettings]
        public var offlineAfter: Int64
        public var lateAfter: Int64
        public var lateSummaryWait: Int64
        public var inhibitingAlerts: [String]

        public init(
            routes: [RouteSettings],
            offlineAfter: Int64 = 180_000,
            lateAfter: Int64 = 300_000,
            lateSummaryWait: Int64 = 30_000,
            inhibitingAlerts: [String] = AlertingSection.defaultInhibitingAlerts
        ) {
            self.routes = routes
            self.offlineAfter = offlineAfter
            self.lateAfter = lateAfter
            self.lateSummaryWait = lateSummaryWait
            self.inhibitingAlerts = inhibitingAlerts
        }

        public init(_ config: CollectorConfig) {
            self.init(
                routes: config.routes,
                offlineAfter: Self.milliseconds(config.alerts.offlineAfter),
                lateAfter: Self.milliseconds(config.alerts.lateAfter),
                lateSummaryWait: Self.milliseconds(config.alerts.lateSummaryWait),
                inhibitingAlerts: config.alerts.inhibitingAlerts
            )
        }

        static func milliseconds(_ duration: Duration) -> Int64 {
            duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        }
    }

    /// What one `tick` decided.
    public struct Output: Sendable, Equatable {
        public var notifications: [AlertNotification] = []
        public var suppressed: [SuppressedAlert] = []
    }

    /// One aggregation group: a route and the values of its `group_by` labels.
    struct Group: Sendable {
        var key: String
        var route: Int
        var labels: [(name: String, value: String)]
        var members: [String] = []
        var nextFlush: Int64
        /// Firing alerts the receiver has been told about and not yet told are resolved.
        var notified: Set<String> = []
        var lastSent: Int64?
    }

    /// One school's backlog of late transitions, waiting to be summarised.
    struct Backlog: Sendable {
        var entries: [(alert: RoutedAlert, firing: Bool, at: Int64)] = []
        var lastArrival: Int64
    }

    public let settings: Settings
    public private(set) var alerts: [String: RoutedAlert] = [:]
    var groups: [String: Group] = [:]
    var offline: SchoolOfflineDetector
    var silences: [Silence] = []
    var backlogs: [School: Backlog] = [:]
    /// Alerts whose firing went into a late summary instead of a live notification.
    var summarized: Set<String> = []
    /// The newest event time per alert: an older event arriving after a newer one is stale.
    var lastEvent: [String: Int64] = [:]
    /// Suppressions already recorded per alert (start and reason), so the history gets each once.
    var recorded: [String: Set<String>] = [:]
    var pendingSuppressed: [SuppressedAlert] = []

    public init(settings: Settings) {
        self.settings = settings
        offline = SchoolOfflineDetector(offlineAfter: settings.offlineAfter)
    }

    // MARK: inputs

    /// An alert event from a gateway (or `replay` of one at start-up: state only, treated as
    /// already notified, so a restarted collector does not page again for what it sent).
    public mutating func observe(_ input: AlertInput, replay: Bool = false) {
        var identity: [(name: String, value: String)] = [
            ("alertname", input.alertname), ("trust", input.trust), ("site", input.site),
        ]
        if !input.gateway.isEmpty { identity.append(("gateway", input.gateway)) }
        identity += input.seriesLabels.filter { !["alertname", "trust", "site", "gateway"].contains($0.name) }
        let fingerprint = RoutedAlert.fingerprint(of: identity)
        if let newest = lastEvent[fingerprint], input.eventTime < newest { return }
        lastEvent[fingerprint] = input.eventTime
        let existing = alerts[fingerprint]
        let severity = input.firing ? input.severity : (existing?.label("severity") ?? input.severity)
        var labels = Array(identity.prefix(input.gateway.isEmpty ? 3 : 4))
        labels.append(("severity", severity))
        labels += identity.dropFirst(input.gateway.isEmpty ? 3 : 4)
        let late = !replay && input.receivedAt - input.eventTime > settings.lateAfter
        let summary = input.firing ? input.evidence : (existing?.annotation("summary") ?? input.evidence)
        var annotations: [(name: String, value: String)] = [("summary", summary)]
        if !input.firing && !input.evidence.isEmpty { annotations.append(("resolution", input.evidence)) }
        let alert = RoutedAlert(
            fingerprint: fingerprint,
            labels: labels,
            annotations: annotations,
            status: input.firing ? .firing : .resolved,
            startsAt: input.firing ? input.startsAt : (existing?.startsAt ?? input.startsAt),
            endsAt: input.firing ? nil : input.eventTime,
            late: late
        )
        alerts[fingerprint] = alert
        let now = input.receivedAt

        if late {
            let school = School(trust: input.trust, site: input.site)
            var backlog = backlogs[school] ?? Backlog(lastArrival: now)
            backlog.entries.append((alert, input.firing, input.eventTime))
            backlog.lastArrival = max(backlog.lastArrival, now)
            backlogs[school] = backlog
        }

        if input.firing {
            if late { summarized.insert(fingerprint) } else { summarized.remove(fingerprint) }
            for routeIndex in matchingRoutes(alert.labelMap) {
                let key = groupKey(route: routeIndex, labels: alert.labelMap)
                var group =
                    groups[key]
                    ?? Group(
                        key: key,
                        route: routeIndex,
                        labels: settings.routes[routeIndex].groupBy.map { ($0, alert.labelMap[$0] ?? "") },
                        nextFlush: now + Settings.milliseconds(settings.routes[routeIndex].groupWait)
                    )
                if !group.members.contains(fingerprint) { group.members.append(fingerprint) }
                // The summary (or, on replay, an earlier run) speaks for this firing.
                if late || replay { group.notified.insert(fingerprint) }
                groups[key] = group
            }
        } else if summarized.remove(fingerprint) != nil && late {
            // Fired and resolved inside the same backlog: the summary covers both halves.
            for key in groups.keys { groups[key]?.notified.remove(fingerprint) }
        } else if replay {
            for key in groups.keys { groups[key]?.notified.remove(fingerprint) }
        }
    }

    /// Ingest from a school (its newest contact time).
    public mutating func contact(trust: String, site: String, at time: Int64) {
        if let resolved = offline.contact(School(trust: trust, site: site), at: time) { observe(resolved) }
    }

    /// The silences and maintenance windows in force (config and page), replacing the last set.
    public mutating func setSilences(_ silences: [Silence]) { self.silences = silences }

    // MARK: time

    /// Advances to `now`: raises `school_offline`, sends groups whose time has come and late
    /// summaries whose backlog has drained.
    public mutating func tick(now: Int64) -> Output {
        for alert in offline.check(now: now) { observe(alert) }
        var output = Output()
        for key in groups.keys.sorted() {
            guard var group = groups[key], group.nextFlush <= now else { continue }
            if let notification = flush(&group, now: now) { output.notifications.append(notification) }
            group.nextFlush = now + Settings.milliseconds(settings.routes[group.route].groupInterval)
            groups[key] = group.members.isEmpty ? nil : group
        }
        for school in backlogs.keys.sorted() {
            guard let backlog = backlogs[school], now - backlog.lastArrival >= settings.lateSummaryWait else {
                continue
            }
            backlogs[school] = nil
            output.notifications += summary(of: backlog, school: school, now: now)
        }
        // Resolved alerts no group still holds are done with.
        let held = Set(groups.values.flatMap(\.members))
        for (fingerprint, alert) in alerts where alert.status == .resolved && !held.contains(fingerprint) {
            if let ended = alert.endsAt, now - ended > settings.lateAfter + settings.lateSummaryWait {
                // Everything kept per alert goes with it, so a long-running collector's memory
                // follows the open alerts, not every alert it ever saw.
                alerts[fingerprint] = nil
                summarized.remove(fingerprint)
                recorded[fingerprint] = nil
                lastEvent[fingerprint] = nil
            }
        }
        output.suppressed = pendingSuppressed
        pendingSuppressed = []
        return output
    }

    /// The earliest time a `tick` could have something to do (for the service's sleep).
    public var nextDeadline: Int64? {
        let flushes = groups.values.map(\.nextFlush)
        let summaries = backlogs.values.map { $0.lastArrival + settings.lateSummaryWait }
        return (flushes + summaries).min()
    }

    // MARK: views

    /// Firing alerts, each with why it is not being sent (if it is not), worst school first.
    public func openAlerts(now: Int64) -> [RoutedAlert] {
        alerts.values.filter { $0.status == .firing }.map { alert in
            var alert = alert
            alert.suppression = summarized.contains(alert.fingerprint) ? .lateSummary : suppression(of: alert, now: now)
            return alert
        }.sorted {
            ($0.trust, $0.site, $0.alertname, $0.fingerprint) < ($1.trust, $1.site, $1.alertname, $1.fingerprint)
        }
    }

    /// The silences active at `now`.
    public func activeSilences(now: Int64) -> [Silence] { silences.filter { $0.isActive(at: now) } }

    // MARK: internals

    func matchingRoutes(_ labels: [String: String]) -> [Int] {
        var out: [Int] = []
        for (index, route) in settings.routes.enumerated() where route.matches(labels) {
            out.append(index)
            if !route.continueMatching { break }
        }
        return out
    }

    func groupKey(route: Int, labels: [String: String]) -> String {
        let values = settings.routes[route].groupBy.map { "\($0)=\"\(labels[$0] ?? "")\"" }
        return "route\(route):{" + values.joined(separator: ",") + "}"
    }

    /// Why a firing alert is not sent right now: inhibition first, then silences.
    func suppression(of alert: RoutedAlert, now: Int64) -> Suppression? {
        if !settings.inhibitingAlerts.contains(alert.alertname) {
            let source = alerts.values.filter {
                $0.status == .firing && settings.inhibitingAlerts.contains($0.alertname) && $0.trust == alert.trust
                    && $0.site == alert.site
            }.min { $0.startsAt < $1.startsAt }
            if let source { return .inhibited(by: source.alertname) }
        }
        let labels = alert.labelMap
        for silence in silences where silence.covers(labels) && silence.isActive(at: now) {
            return silence.kind == .maintenance
                ? .maintenance(id: silence.id, comment: silence.comment)
                : .silenced(id: silence.id, comment: silence.comment)
        }
        return nil
    }

    mutating func record(_ alert: RoutedAlert, _ suppression: Suppression, now: Int64) {
        guard recorded[alert.fingerprint, default: []].insert("\(alert.startsAt)|\(suppression.reason)").inserted
        else { return }
        var alert = alert
        alert.suppression = suppression
        pendingSuppressed.append(SuppressedAlert(alert: alert, suppression: suppression, at: now))
    }

    mutating func flush(_ group: inout Group, now: Int64) -> AlertNotification? {
        let route = settings.routes[group.route]
        var firing: [RoutedAlert] = []
        var resolved: [RoutedAlert] = []
        for fingerprint in group.members {
            guard let alert = alerts[fingerprint] else { continue }
            if alert.status == .resolved {
                if group.notified.contains(fingerprint) { resolved.append(alert) }
                continue
            }
            // Its firing went into a late summary; only its resolution is still to come.
            if summarized.contains(fingerprint) { continue }
            if let reason = suppression(of: alert, now: now) {
                // One already sent is simply not repeated; the history records only what the
                // receiver never heard of.
                if !group.notified.contains(fingerprint) { record(alert, reason, now: now) }
                continue
            }
            firing.append(alert)
        }
        let fresh = firing.filter { !group.notified.contains($0.fingerprint) }
        let repeatDue =
            !firing.isEmpty && (group.lastSent.map { now - $0 >= Settings.milliseconds(route.repeatInterval) } ?? false)
        group.members.removeAll { alerts[$0]?.status != .firing }
        guard !fresh.isEmpty || !resolved.isEmpty || repeatDue else { return nil }
        for alert in fresh { group.notified.insert(alert.fingerprint) }
        for alert in resolved { group.notified.remove(alert.fingerprint) }
        group.lastSent = now
        return AlertNotification(
            receiver: route.receiver,
            groupKey: group.key,
            groupLabels: group.labels,
            alerts: firing + resolved,
            createdAt: now
        )
    }

    static let severityRank = ["critical": 5, "error": 4, "warning": 3, "notice": 2, "info": 1]

    /// One notification per matching route for a school's drained backlog:
    /// "while offline, 10:42–11:30: probe_down (probe=vle) fired 10:45, resolved 11:10; ...".
    mutating func summary(of backlog: Backlog, school: School, now: Int64) -> [AlertNotification] {
        guard let first = backlog.entries.map(\.at).min(), let last = backlog.entries.map(\.at).max() else { return [] }
        // Per alert, in order of first appearance: when it fired and resolved in the backlog.
        var order: [String] = []
        var fired: [String: Int64] = [:]
        var resolvedAt: [String: Int64] = [:]
        var snapshot: [String: RoutedAlert] = [:]
        for entry in backlog.entries {
            let fingerprint = entry.alert.fingerprint
            if !order.contains(fingerprint) { order.append(fingerprint) }
            if entry.firing {
                fired[fingerprint] = fired[fingerprint] ?? entry.at
                record(entry.alert, .lateSummary, now: now)
            } else {
                resolvedAt[fingerprint] = entry.at
            }
            snapshot[fingerprint] = alerts[fingerprint] ?? entry.alert
        }
        var parts: [String] = []
        var stillFiring = false
        var severity = "info"
        for fingerprint in order {
            guard let alert = snapshot[fingerprint] else { continue }
            var text = alert.alertname
            if !alert.seriesText.isEmpty { text += " (\(alert.seriesText))" }
            if let at = fired[fingerprint] { text += " fired \(CivilDate.shortTime(milliseconds: at))" }
            if let at = resolvedAt[fingerprint] {
                text +=
                    (fired[fingerprint] == nil ? " resolved " : ", resolved ") + CivilDate.shortTime(milliseconds: at)
            } else if alert.status == .firing {
                text += ", still firing"
                stillFiring = true
            }
            parts.append(text)
            let level = alert.label("severity") ?? "info"
            if (Self.severityRank[level] ?? 0) > (Self.severityRank[severity] ?? 0) { severity = level }
        }
        let window = CivilDate.shortTime(milliseconds: first) + "–" + CivilDate.shortTime(milliseconds: last)
        let text = "while offline, \(window) UTC: " + parts.joined(separator: "; ")
        let labels: [(name: String, value: String)] = [
            ("alertname", "late_alerts"), ("trust", school.trust), ("site", school.site), ("severity", severity),
        ]
        let alert = RoutedAlert(
            fingerprint: RoutedAlert.fingerprint(of: labels.filter { $0.name != "severity" }),
            labels: labels,
            annotations: [("summary", text), ("count", String(order.count))],
            status: stillFiring ? .firing : .resolved,
            startsAt: first,
            endsAt: stillFiring ? nil : last,
            late: true
        )
        let labelMap = alert.labelMap
        return matchingRoutes(labelMap).map { index in
            AlertNotification(
                receiver: settings.routes[index].receiver,
                groupKey: "late:" + groupKey(route: index, labels: labelMap),
                groupLabels: settings.routes[index].groupBy.map { ($0, labelMap[$0] ?? "") },
                alerts: [alert],
                isLateSummary: true,
                createdAt: now
            )
        }
    }
}
