import GRDB

/// Folds raw samples older than a cutoff into per-series bucket aggregates (min, max, sum and
/// count for the mean, last, and how many samples), deleting the raw rows in the same
/// transaction, so every observation is in exactly one of the two tables at any moment.
///
/// Work is split into chunks of about `chunkRows` raw rows, one transaction each, so a first run
/// over weeks of raw data never holds the single writer for long and ingest keeps committing in
/// between. A chunk may end in the middle of a bucket: the insert merges into an existing bucket
/// row (sums and counts add, min/max combine, the later `last` wins), which also covers late data
/// (a backlog older than the cutoff arriving after its bucket was made).
public struct SampleDownsampler: Sendable {
    let database: CollectorDatabase
    let bucketMilliseconds: Int64
    /// About 50 000 rows take SQLite a few tens of milliseconds: short enough that a waiting
    /// ingest commit does not notice, long enough that a backlog of weeks goes in minutes.
    let chunkRows: Int

    public init(database: CollectorDatabase, bucketMilliseconds: Int64, chunkRows: Int = 50_000) {
        self.database = database
        self.bucketMilliseconds = bucketMilliseconds
        self.chunkRows = max(1, chunkRows)
    }

    /// Downsamples everything with `ts < cutoff`; returns how many raw rows were folded in.
    public func run(before cutoff: Int64) async throws(CollectorError) -> Int {
        var total = 0
        while true {
            let folded = try await database.asyncWrite { [bucketMilliseconds, chunkRows] db in
                try Self.foldChunk(before: cutoff, bucket: bucketMilliseconds, chunkRows: chunkRows, db: db)
            }
            total += folded
            if folded == 0 { return total }
            await Task.yield()
        }
    }

    /// One transaction: the oldest `chunkRows` rows (whole timestamps) below `cutoff`.
    static func foldChunk(before cutoff: Int64, bucket: Int64, chunkRows: Int, db: Database) throws -> Int {
        // The chunk ends at the timestamp `chunkRows` rows in (samples_ts index), or at the cutoff.
        let end =
            try Int64.fetchOne(
                db,
                sql: "SELECT ts FROM samples WHERE ts < ? ORDER BY ts LIMIT 1 OFFSET ?",
                arguments: [cutoff, chunkRows]
            ) ?? cutoff
        // A chunk whose rows all share one timestamp would be empty with `ts < end`; take it whole.
        let limit =
            try Int64.fetchOne(db, sql: "SELECT MIN(ts) FROM samples WHERE ts < ?", arguments: [cutoff]).map {
                $0 == end ? end + 1 : end
            } ?? end
        try db.execute(
            sql: """
                INSERT INTO sample_aggregates (trust, site, gateway, name, bucket_ms, labels, width_ms, min_value,
                    max_value, sum_value, value_count, sample_count, last_value, last_ts)
                SELECT g.trust, g.site, g.gateway, g.name, g.bucket, g.labels, :width, g.low, g.high, g.total,
                    g.numeric, g.rows,
                    (SELECT s.value FROM samples s
                        WHERE s.trust = g.trust AND s.site = g.site AND s.gateway = g.gateway AND s.name = g.name
                            AND s.ts = g.newest AND s.labels = g.labels
                        ORDER BY s.id DESC LIMIT 1),
                    g.newest
                FROM (
                    SELECT trust, site, gateway, name, labels, (ts / :width) * :width AS bucket,
                        MIN(value) AS low, MAX(value) AS high, TOTAL(value) AS total, COUNT(value) AS numeric,
                        COUNT(*) AS rows, MAX(ts) AS newest
                    FROM samples WHERE ts < :limit
                    GROUP BY trust, site, gateway, name, labels, bucket
                ) g
                WHERE true
                ON CONFLICT (trust, site, gateway, name, bucket_ms, labels) DO UPDATE SET
                    min_value = COALESCE(MIN(min_value, excluded.min_value), min_value, excluded.min_value),
                    max_value = COALESCE(MAX(max_value, excluded.max_value), max_value, excluded.max_value),
                    sum_value = sum_value + excluded.sum_value,
                    value_count = value_count + excluded.value_count,
                    sample_count = sample_count + excluded.sample_count,
                    last_value = CASE WHEN excluded.last_ts >= last_ts THEN excluded.last_value ELSE last_value END,
                    last_ts = MAX(last_ts, excluded.last_ts)
                """,
            arguments: ["width": bucket, "limit": limit]
        )
        try db.execute(sql: "DELETE FROM samples WHERE ts < ?", arguments: [limit])
        return db.changesCount
    }
}
