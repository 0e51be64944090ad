/// What the engine decided to send: one group's alerts to one receiver.
public struct AlertNotification: Sendable, Equatable {
    public var receiver: String
    /// Route and group labels, stable for the group's life (Alertmanager's `groupKey`).
    public var groupKey: String
    public var groupLabels: [(name: String, value: String)]
    /// Firing alerts first, then resolved ones.
    public var alerts: [RoutedAlert]
    /// The "while offline ..." summary of a backlog rather than a live group.
    public var isLateSummary: Bool
    public var createdAt: Int64

    public init(
        receiver: String,
        groupKey: String,
        groupLabels: [(name: String, value: String)],
        alerts: [RoutedAlert],
        isLateSummary: Bool = false,
        createdAt: Int64
    ) {
        self.receiver = receiver
        self.groupKey = groupKey
        self.groupLabels = groupLabels
        self.alerts = alerts
        self.isLateSummary = isLateSummary
        self.createdAt = createdAt
    }

    /// `firing` while any alert in it fires.
    public var status: RoutedAlert.Status { alerts.contains { $0.status == .firing } ? .firing : .resolved }
    public var firing: [RoutedAlert] { alerts.filter { $0.status == .firing } }
    public var resolved: [RoutedAlert] { alerts.filter { $0.status == .resolved } }

    /// Labels every alert shares (Alertmanager's `commonLabels`).
    public var commonLabels: [(name: String, value: String)] {
        guard let first = alerts.first else { return [] }
        return first.labels.filter { label in alerts.allSatisfy { $0.label(label.name) == label.value } }
    }

    public var commonAnnotations: [(name: String, value: String)] {
        guard let first = alerts.first else { return [] }
        return first.annotations.filter { annotation in
            alerts.allSatisfy { $0.annotation(annotation.name) == annotation.value }
        }
    }

    /// One line naming it: `[FIRING:2] oak-trust/oak-primary probe_down, uplink_down`.
    public var title: String {
        let firingCount = firing.count
        let head = status == .firing ? "[FIRING:\(firingCount)]" : "[RESOLVED]"
        let school = groupLabels.map(\.value).joined(separator: "/")
        var names: [String] = []
        for alert in alerts where !names.contains(alert.alertname) { names.append(alert.alertname) }
        return "\(head) \(school.isEmpty ? "all schools" : school) \(names.joined(separator: ", "))"
    }

    public static func == (lhs: AlertNotification, rhs: AlertNotification) -> Bool {
        lhs.receiver == rhs.receiver && lhs.groupKey == rhs.groupKey && lhs.alerts == rhs.alerts
            && lhs.isLateSummary == rhs.isLateSummary && lhs.createdAt == rhs.createdAt
            && lhs.groupLabels.map(\.name) == rhs.groupLabels.map(\.name)
            && lhs.groupLabels.map(\.value) == rhs.groupLabels.map(\.value)
    }
}

/// A firing alert that was recorded but not sent, for the history.
public struct SuppressedAlert: Sendable, Equatable {
    public var alert: RoutedAlert
    public var suppression: Suppression
    public var at: Int64

    public init(alert: RoutedAlert, suppression: Suppression, at: Int64) {
        self.alert = alert
        self.suppression = suppression
        self.at = at
    }
}
