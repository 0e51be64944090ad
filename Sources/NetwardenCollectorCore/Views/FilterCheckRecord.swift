import GRDB

/// One filter check's result as a `filter_compliance` event carries it (the attributes the
/// daemon's compliance chain writes: `vantage`, `category`, `kind`, `check`, `expect`, `run`,
/// `status`), folded into `filter_checks` so the views read each check's latest state directly.
struct FilterCheckRecord: Sendable {
    var trust: String
    var site: String
    var gateway: String
    var vantage: String
    var category: String
    var kind: String
    var check: String
    var expect: String
    var run: String
    var status: String
    var timestampMilliseconds: Int64

    static let eventKind = SiteQueries.complianceEventKind

    /// nil when the event lacks what identifies a check (an older or foreign agent): the event
    /// is still stored as evidence, it just does not count towards coverage.
    init?(
        trust: String,
        site: String,
        gateway: String,
        timestampMilliseconds: Int64,
        attributes: [(name: String, value: String)]
    ) {
        func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }
        guard let check = attribute("check"), let category = attribute("category"), let status = attribute("status"),
            !check.isEmpty, !category.isEmpty
        else { return nil }
        self.trust = trust
        self.site = site
        self.gateway = gateway
        self.vantage = attribute("vantage") ?? ""
        self.category = category
        self.kind = attribute("kind") ?? ""
        self.check = check
        self.expect = attribute("expect") ?? ""
        self.run = attribute("run") ?? ""
        self.status = status
        self.timestampMilliseconds = timestampMilliseconds
    }

    /// Pass and fail are verdicts; anything else (inconclusive) says the check could not tell.
    var isConclusive: Bool { status == "pass" || status == "fail" }

    /// Keeps the newest result and the newest conclusive one; a backlog arriving out of order
    /// never overwrites a newer state with an older one.
    func upsert(_ db: Database) throws {
        let conclusiveTimestamp: Int64? = isConclusive ? timestampMilliseconds : nil
        let conclusiveStatus: String? = isConclusive ? status : nil
        // In an UPDATE every right-hand side sees the row as it was, so the comparisons with
        // last_ts and last_conclusive_ts below all use the stored (older) values.
        try db.execute(
            sql: """
                INSERT INTO filter_checks (trust, site, gateway, vantage, category, check_kind, check_name, expect,
                    run, status, last_ts, last_conclusive_ts, last_conclusive_status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (trust, site, gateway, vantage, category, check_kind, check_name) DO UPDATE SET
                    expect = CASE WHEN excluded.last_ts >= last_ts THEN excluded.expect ELSE expect END,
                    run = CASE WHEN excluded.last_ts >= last_ts THEN excluded.run ELSE run END,
                    status = CASE WHEN excluded.last_ts >= last_ts THEN excluded.status ELSE status END,
                    last_ts = MAX(last_ts, excluded.last_ts),
                    last_conclusive_status = CASE
                        WHEN excluded.last_conclusive_ts IS NOT NULL
                            AND (last_conclusive_ts IS NULL OR excluded.last_conclusive_ts >= last_conclusive_ts)
                        THEN excluded.last_conclusive_status ELSE last_conclusive_status END,
                    last_conclusive_ts = CASE
                        WHEN excluded.last_conclusive_ts IS NOT NULL
                            AND (last_conclusive_ts IS NULL OR excluded.last_conclusive_ts >= last_conclusive_ts)
                        THEN excluded.last_conclusive_ts ELSE last_conclusive_ts END
                """,
            arguments: [
                trust, site, gateway, vantage, category, kind, check, expect, run, status, timestampMilliseconds,
                conclusiveTimestamp, conclusiveStatus,
            ]
        )
    }
}
