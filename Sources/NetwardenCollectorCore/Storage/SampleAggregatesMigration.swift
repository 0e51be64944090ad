import GRDB

/// The schema for downsampled samples: one row per series and time bucket, made from raw samples
/// as they age out of `[retention] samples_days`.
enum SampleAggregatesMigration {
    static let name = "sample-aggregates"

    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration(name) { db in
            try db.execute(
                sql: """
                    -- Raw rows are deleted in the transaction that folds them in here, so raw samples
                    -- and aggregates never hold the same observation: a reader takes both.
                    -- value_count counts numeric values (sum_value / value_count is the mean);
                    -- sample_count also counts NaN (stored NULL); last_value is at last_ts.
                    CREATE TABLE sample_aggregates (
                        trust TEXT NOT NULL,
                        site TEXT NOT NULL,
                        gateway TEXT NOT NULL,
                        name TEXT NOT NULL,
                        bucket_ms INTEGER NOT NULL,
                        labels TEXT NOT NULL,
                        width_ms INTEGER NOT NULL,
                        min_value REAL,
                        max_value REAL,
                        sum_value REAL NOT NULL,
                        value_count INTEGER NOT NULL,
                        sample_count INTEGER NOT NULL,
                        last_value REAL,
                        last_ts INTEGER NOT NULL,
                        -- bucket before labels: a chart reads one family of one gateway over a
                        -- time range, which this key serves directly.
                        PRIMARY KEY (trust, site, gateway, name, bucket_ms, labels)
                    ) WITHOUT ROWID;
                    -- Retention deletes by age.
                    CREATE INDEX sample_aggregates_bucket ON sample_aggregates(bucket_ms);
                    """
            )
        }
    }
}
