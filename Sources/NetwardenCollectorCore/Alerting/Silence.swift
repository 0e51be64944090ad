import Foundation

/// A silence or maintenance window: while active, the firing alerts it covers are not sent
/// (they are still recorded, with the reason). Resolutions of alerts already notified always
/// go out. One model for windows written in the config and those created on the page or the
/// JSON API.
public struct Silence: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Ad hoc: "we know, stop telling us".
        case silence
        /// Planned work or a closed school (term holidays, weekends, an uplink upgrade).
        case maintenance
    }

    /// When it applies.
    public enum Schedule: Sendable, Equatable {
        /// From `starts` (inclusive) to `ends` (exclusive), wall-clock milliseconds.
        case once(starts: Int64, ends: Int64)
        case recurring(Recurrence)
    }

    /// A repeating window in a time zone: some weekdays, optionally between two times of day
    /// (an overnight window such as 18:00–07:00 belongs to the day it starts), optionally only
    /// within date ranges (term holidays). Every part left out places no limit.
    public struct Recurrence: Sendable, Equatable {
        /// 0 = Sunday ... 6 = Saturday; empty = every day.
        public var weekdays: Set<Int>
        /// Minutes after local midnight; both or neither.
        public var fromMinute: Int?
        public var untilMinute: Int?
        /// Inclusive local day numbers (days since 1970-01-01).
        public var dateRanges: [ClosedRange<Int64>]
        /// An IANA zone name such as `Europe/London`; `UTC` when not given.
        public var timeZone: String

        public init(
            weekdays: Set<Int> = [],
            fromMinute: Int? = nil,
            untilMinute: Int? = nil,
            dateRanges: [ClosedRange<Int64>] = [],
            timeZone: String = "UTC"
        ) {
            self.weekdays = weekdays
            self.fromMinute = fromMinute
            self.untilMinute = untilMinute
            self.dateRanges = dateRanges
            self.timeZone = timeZone
        }

        /// Whether `milliseconds` falls in the window.
        public func contains(_ milliseconds: Int64) -> Bool {
            let offset = Int64(
                TimeZone(identifier: timeZone)?.secondsFromGMT(
                    for: Date(timeIntervalSince1970: Double(milliseconds) / 1000)
                ) ?? 0
            )
            let local = milliseconds + offset * 1000
            let day = CivilDate.floorDivide(local, 86_400_000)
            let minute = Int((local - day * 86_400_000) / 60_000)
            var windowDay = day
            if let from = fromMinute, let until = untilMinute {
                if from <= until {
                    guard minute >= from && minute < until else { return false }
                } else if minute < until {
                    // The early-morning part of an overnight window that began yesterday.
                    windowDay = day - 1
                } else if minute < from {
                    return false
                }
            }
            if !weekdays.isEmpty && !weekdays.contains(CivilDate.weekday(ofDay: windowDay)) { return false }
            if !dateRanges.isEmpty && !dateRanges.contains(where: { $0.contains(windowDay) }) { return false }
            return true
        }
    }

    /// `config:N` for the Nth `[[silence]]` block, `db:N` for one created on the page or API.
    public var id: String
    public var kind: Kind
    public var trust: String
    /// Nil covers every school of the trust.
    public var site: String?
    /// Nil covers every alert of the school(s).
    public var alertname: String?
    public var schedule: Schedule
    public var comment: String
    public var createdBy: String

    public init(
        id: String,
        kind: Kind,
        trust: String,
        site: String? = nil,
        alertname: String? = nil,
        schedule: Schedule,
        comment: String = "",
        createdBy: String = "config"
    ) {
        self.id = id
        self.kind = kind
        self.trust = trust
        self.site = site
        self.alertname = alertname
        self.schedule = schedule
        self.comment = comment
        self.createdBy = createdBy
    }

    /// Whether the window covers an alert with these labels (its time aside).
    public func covers(_ labels: [String: String]) -> Bool {
        labels["trust"] == trust && (site == nil || labels["site"] == site)
            && (alertname == nil || labels["alertname"] == alertname)
    }

    public func isActive(at milliseconds: Int64) -> Bool {
        switch schedule {
        case .once(let starts, let ends): milliseconds >= starts && milliseconds < ends
        case .recurring(let recurrence): recurrence.contains(milliseconds)
        }
    }

    /// Who it covers, in words: `oak-trust/oak-primary`, `all of oak-trust`, `... probe_down`.
    public var scope: String {
        var text = site.map { "\(trust)/\($0)" } ?? "all of \(trust)"
        if let alertname { text += " (\(alertname))" }
        return text
    }

    /// When it applies, in words, for the page.
    public var scheduleText: String {
        switch schedule {
        case .once(let starts, let ends):
            return CivilDate.rfc3339(milliseconds: starts) + " – " + CivilDate.rfc3339(milliseconds: ends)
        case .recurring(let recurrence):
            var parts: [String] = []
            if !recurrence.weekdays.isEmpty {
                parts.append(recurrence.weekdays.sorted().map { CivilDate.weekdayNames[$0] }.joined(separator: ","))
            } else {
                parts.append("every day")
            }
            if let from = recurrence.fromMinute, let until = recurrence.untilMinute {
                parts.append(CivilDate.clock(minute: from) + "–" + CivilDate.clock(minute: until))
            }
            for range in recurrence.dateRanges {
                parts.append(CivilDate.date(day: range.lowerBound) + "…" + CivilDate.date(day: range.upperBound))
            }
            parts.append(recurrence.timeZone)
            return parts.joined(separator: " ")
        }
    }
}
