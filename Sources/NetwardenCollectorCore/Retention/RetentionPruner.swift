import GRDB

/// Applies `[retention]`: raw samples past their period are downsampled into aggregates (see
/// ``SampleDownsampler``), and aggregates, events and the compliance log are deleted after theirs.
/// Filter-compliance events (`filter_*`, `bypass_*`) are the evidence an inspection asks for and
/// follow their own, longer period.
public struct RetentionPruner: Sendable {
    /// How many rows one call moved or removed, per kind.
    public struct Result: Sendable, Equatable {
        /// Raw sample rows folded into aggregates (and deleted as raw rows).
        public var samples = 0
        public var aggregates = 0
        public var events = 0
        public var complianceEvents = 0
        /// Notification history rows (kept as long as events: what was sent about them).
        public var notifications = 0

        public init() {}
    }

    let database: CollectorDatabase
    let settings: RetentionSection

    public init(database: CollectorDatabase, settings: RetentionSection) {
        self.database = database
        self.settings = settings
    }

    static let day: Int64 = 86_400_000
    static let compliance = "(kind LIKE 'filter\\_%' ESCAPE '\\' OR kind LIKE 'bypass\\_%' ESCAPE '\\')"

    public func prune(now: Int64) async throws(CollectorError) -> Result {
        let width = settings.aggregateMilliseconds
        // On a bucket boundary, so a regular pass leaves no bucket half made (late data still merges).
        let sampleCutoff = (now - Int64(settings.sampleDays) * Self.day) / width * width
        let aggregateCutoff = now - Int64(settings.aggregateDays) * Self.day
        let eventCutoff = now - Int64(settings.eventDays) * Self.day
        let complianceCutoff = now - Int64(settings.complianceDays) * Self.day
        var result = Result()
        result.samples = try await SampleDownsampler(database: database, bucketMilliseconds: width).run(
            before: sampleCutoff
        )
        return try await database.asyncWrite { [result] db in
            var result = result
            // The de-duplication keys go with their raw samples: a resend that old is long past.
            try db.execute(sql: "DELETE FROM sample_records WHERE ts < ?", arguments: [sampleCutoff])
            try ViewTablesUpdate.prune(db, sampleCutoff: sampleCutoff)
            try db.execute(sql: "DELETE FROM sample_aggregates WHERE bucket_ms < ?", arguments: [aggregateCutoff])
            result.aggregates = db.changesCount
            try db.execute(sql: "DELETE FROM events WHERE ts < ? AND NOT \(Self.compliance)", arguments: [eventCutoff])
            result.events = db.changesCount
            try db.execute(sql: "DELETE FROM events WHERE ts < ? AND \(Self.compliance)", arguments: [complianceCutoff])
            result.complianceEvents = db.changesCount
            try db.execute(sql: "DELETE FROM notifications WHERE created_ms < ?", arguments: [eventCutoff])
            result.notifications = db.changesCount
            try db.execute(sql: "DELETE FROM silences WHERE ends_ms < ?", arguments: [eventCutoff])
            return result
        }
    }
}
