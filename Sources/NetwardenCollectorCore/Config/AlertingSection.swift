import NetwardenCore

/// `[alerts]`: what the collector itself decides about alerts (the rules run on the gateways).
public struct AlertingSection: ConfigSection {
    public static let name = "alerts"

    /// No ingest from a school for this long fires `school_offline`; data returning resolves it.
    public var offlineAfter: Duration
    /// An alert event whose own time is this much older than its arrival came from a backlog
    /// (the gateway was cut off): it is recorded and shown, and sent in one summary per school.
    public var lateAfter: Duration
    /// How long to wait after the last late event of a school before sending its summary, so
    /// a backlog draining over several batches still makes one message.
    public var lateSummaryWait: Duration
    /// Alerts that, while firing, suppress the other alerts of their school (still recorded,
    /// never their resolutions).
    public var inhibitingAlerts: [String]
    /// The collector's public address, for links in notifications (`externalURL`,
    /// `generatorURL`, the Teams button); empty leaves them out.
    public var externalURL: String

    public init(
        offlineAfter: Duration = .seconds(180),
        lateAfter: Duration = .seconds(300),
        lateSummaryWait: Duration = .seconds(30),
        inhibitingAlerts: [String] = AlertingSection.defaultInhibitingAlerts,
        externalURL: String = ""
    ) {
        self.offlineAfter = offlineAfter
        self.lateAfter = lateAfter
        self.lateSummaryWait = lateSummaryWait
        self.inhibitingAlerts = inhibitingAlerts
        self.externalURL = externalURL
    }

    /// The school-offline alert the collector raises itself, and the daemon's uplink rule.
    public static let defaultInhibitingAlerts = [SchoolOfflineDetector.alertName, "uplink_down"]

    public static let defaults = AlertingSection()

    public init(from reader: ConfigTableReader) {
        let defaults = Self.defaults
        offlineAfter = reader.seconds("offline_after_seconds", range: 1...604_800, default: defaults.offlineAfter)
        lateAfter = reader.seconds("late_after_seconds", range: 1...604_800, default: defaults.lateAfter)
        lateSummaryWait = reader.seconds(
            "late_summary_wait_seconds",
            range: 0...3_600,
            default: defaults.lateSummaryWait
        )
        inhibitingAlerts = reader.strings("inhibiting_alerts", default: defaults.inhibitingAlerts)
        externalURL = reader.value("external_url", ReceiverSettings.urlType, default: "")
    }
}
