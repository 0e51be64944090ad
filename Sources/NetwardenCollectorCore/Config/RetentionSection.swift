import NetwardenCore

/// `[retention]`: how long each kind of data is kept.
///
/// Defaults: raw samples for 14 days (two weeks of full-resolution charts: "was it this bad last
/// Tuesday too?"), then 5-minute aggregates (min/max/avg/last/count per series) for 400 days,
/// which keeps a year of trends at about a sixtieth of the raw size; events for 400 days (a school
/// year and the summer after, for "when did this start?"); filter-compliance events, the
/// evidence an inspector asks for, for 3 years (1095 days), the usual DfE/Ofsted look-back.
public struct RetentionSection: ConfigSection {
    public static let name = "retention"

    /// Raw samples: every value as received.
    public var sampleDays: Int
    /// The width of a downsampled bucket; raw samples older than `sampleDays` become one
    /// aggregate row per series and bucket.
    public var aggregateMinutes: Int
    /// Aggregates are kept this long (at least as long as raw samples).
    public var aggregateDays: Int
    public var eventDays: Int
    /// Events whose kind starts with `filter_` or `bypass_`: the compliance log.
    public var complianceDays: Int

    public init(
        sampleDays: Int = 14,
        aggregateMinutes: Int = 5,
        aggregateDays: Int = 400,
        eventDays: Int = 400,
        complianceDays: Int = 1095
    ) {
        self.sampleDays = sampleDays
        self.aggregateMinutes = aggregateMinutes
        self.aggregateDays = aggregateDays
        self.eventDays = eventDays
        self.complianceDays = complianceDays
    }

    public static let defaults = RetentionSection()

    /// Bucket widths that divide an hour, so buckets nest inside the page's 15-minute and
    /// 105-minute chart bars and no bar gets part of a bucket.
    static let aggregateWidths = [1, 3, 5, 15]

    public var aggregateMilliseconds: Int64 { Int64(aggregateMinutes) * 60_000 }

    public init(from reader: ConfigTableReader) {
        let defaults = Self.defaults
        sampleDays = reader.int("samples_days", range: 1...3_650, default: defaults.sampleDays)
        aggregateMinutes = reader.int("aggregate_minutes", range: 1...15, default: defaults.aggregateMinutes)
        if !Self.aggregateWidths.contains(aggregateMinutes) {
            reader.report(
                key: "aggregate_minutes",
                "\(aggregateMinutes) does not divide the charts' 15- and 105-minute bars; expected one of "
                    + Self.aggregateWidths.map(String.init).joined(separator: ", ")
            )
            aggregateMinutes = defaults.aggregateMinutes
        }
        aggregateDays = reader.int("aggregates_days", range: 1...3_650, default: defaults.aggregateDays)
        if aggregateDays < sampleDays {
            reader.report(
                key: "aggregates_days",
                "\(aggregateDays) is shorter than samples_days (\(sampleDays)); aggregates are made from raw samples "
                    + "as they leave, so they must be kept at least as long"
            )
            aggregateDays = sampleDays
        }
        eventDays = reader.int("events_days", range: 1...3_650, default: defaults.eventDays)
        complianceDays = reader.int("compliance_days", range: 30...3_650, default: defaults.complianceDays)
    }
}
