import GRDB

/// Deletes what `[retention]` no longer keeps. Filter-compliance events (`filter_*`,
/// `bypass_*`) are the evidence an inspection asks for and follow their own, longer period.
public struct RetentionPruner: Sendable {
    /// How many rows one call removed, per kind.
    public struct Result: Sendable, Equatable {
        public var samples = 0
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
        let sampleCutoff = now - Int64(settings.sampleDays) * Self.day
        let eventCutoff = now - Int64(settings.eventDays) * Self.day
        let complianceCutoff = now - Int64(settings.complianceDays) * Self.day
        return try await database.asyncWrite { db in
            var result = Result()
            try db.execute(sql: "DELETE FROM samples WHERE ts < ?", arguments: [sampleCutoff])
            result.samples = db.changesCount
            // The de-duplication keys go with their samples: a resend that old is long past.
            try db.execute(sql: "DELETE FROM sample_records WHERE ts < ?", arguments: [sampleCutoff])
            try ViewTablesUpdate.prune(db, sampleCutoff: sampleCutoff)
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
