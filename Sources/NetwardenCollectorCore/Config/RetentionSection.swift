import NetwardenCore

/// `[retention]`: how long each kind of data is kept.
///
/// Defaults: raw samples for 35 days (a month of charts plus a half-term margin); events for
/// 400 days (a school year and the summer after, for "when did this start?"); filter-compliance
/// events, the evidence an inspector asks for, for 3 years (1095 days), the usual DfE/Ofsted look-back.
public struct RetentionSection: ConfigSection {
    public static let name = "retention"

    public var sampleDays: Int
    public var eventDays: Int
    /// Events whose kind starts with `filter_` or `bypass_`: the compliance log.
    public var complianceDays: Int

    public init(sampleDays: Int = 35, eventDays: Int = 400, complianceDays: Int = 1095) {
        self.sampleDays = sampleDays
        self.eventDays = eventDays
        self.complianceDays = complianceDays
    }

    public static let defaults = RetentionSection()

    public init(from reader: ConfigTableReader) {
        let defaults = Self.defaults
        sampleDays = reader.int("samples_days", range: 1...3_650, default: defaults.sampleDays)
        eventDays = reader.int("events_days", range: 1...3_650, default: defaults.eventDays)
        complianceDays = reader.int("compliance_days", range: 30...3_650, default: defaults.complianceDays)
    }
}
