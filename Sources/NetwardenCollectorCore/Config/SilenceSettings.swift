import Foundation
import NetwardenCore

/// `[[silence]]` blocks: maintenance windows and silences written in the config, one-off
/// (`starts`/`ends`) or recurring (`days`, `from`/`until`, `dates`, `time_zone`).
enum SilenceSettings {
    static let timestamp = ConfigValueType<Int64>(decode: { value in
        switch ConfigValueType<String>.string.decode(value) {
        case .failure(let problem): return .failure(problem)
        case .success(let text):
            guard let milliseconds = CivilDate.parseTimestamp(text) else {
                return .failure(
                    ConfigValueProblem(
                        .invalidValue,
                        "`\(text)` is not a time; expected RFC 3339 such as 2026-12-05T08:00:00Z"
                    )
                )
            }
            return .success(milliseconds)
        }
    })

    static let clock = ConfigValueType<Int>(decode: { value in
        switch ConfigValueType<String>.string.decode(value) {
        case .failure(let problem): return .failure(problem)
        case .success(let text):
            guard let minute = CivilDate.parseClock(text) else {
                return .failure(
                    ConfigValueProblem(.invalidValue, "`\(text)` is not a time of day; expected HH:MM such as 18:00")
                )
            }
            return .success(minute)
        }
    })

    static func read(_ block: ConfigTableReader, index: Int) -> Silence {
        let kind = block.word("kind", default: Silence.Kind.maintenance)
        let trust = block.required("trust", .string, placeholder: "", example: "\"oak-trust\"")
        let site = block.optional("site", .string)
        let alertname = block.optional("alertname", .string)
        let comment = block.string("comment", default: "")
        let starts = block.optional("starts", timestamp)
        let ends = block.optional("ends", timestamp)
        let days = block.optional("days", .strings(.word(of: CivilDate.weekdayNames)))
        let from = block.optional("from", clock)
        let until = block.optional("until", clock)
        let dates = block.optional("dates", .strings())
        let zone = block.string("time_zone", default: "UTC")
        let oneOff = starts != nil || ends != nil
        let recurring = days != nil || from != nil || until != nil || dates != nil
        var schedule = Silence.Schedule.once(starts: 0, ends: 0)
        if oneOff && recurring {
            block.report(
                key: "starts",
                "starts/ends is a one-off window; days, from, until and dates make a recurring one; expected one kind"
            )
        } else if oneOff {
            if let starts, let ends {
                if ends <= starts { block.report(key: "ends", "not after starts; expected a later time") }
                schedule = .once(starts: starts, ends: ends)
            } else if block.isPresent, block.table["starts"] == nil || block.table["ends"] == nil {
                // (A value that is present but wrong was reported already.)
                block.report(.missingKey, key: starts == nil ? "starts" : "ends", "expected both starts and ends")
            }
        } else if recurring {
            if (from == nil) != (until == nil) {
                block.report(
                    .missingKey,
                    key: from == nil ? "until" : "from",
                    "expected both from and until, or neither (all day)"
                )
            }
            if from != nil && from == until {
                block.report(key: "until", "equal to from; expected a window of some length")
            }
            if TimeZone(identifier: zone) == nil {
                block.report(
                    key: "time_zone",
                    "`\(zone)` is not a time zone; expected an IANA name such as Europe/London"
                )
            }
            var ranges: [ClosedRange<Int64>] = []
            for text in dates ?? [] {
                let ends = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
                guard (1...2).contains(ends.count), let first = CivilDate.parseDate(ends[0]),
                    let last = CivilDate.parseDate(ends[ends.count - 1]), first <= last
                else {
                    block.report(
                        key: "dates",
                        "`\(text)` is not a date or range; expected 2026-12-19 or 2026-12-19/2027-01-04"
                    )
                    continue
                }
                ranges.append(first...last)
            }
            schedule = .recurring(
                Silence.Recurrence(
                    weekdays: Set((days ?? []).compactMap { CivilDate.weekdayNames.firstIndex(of: $0) }),
                    fromMinute: from != nil && until != nil ? from : nil,
                    untilMinute: from != nil && until != nil ? until : nil,
                    dateRanges: ranges,
                    timeZone: zone
                )
            )
        } else if block.isPresent {
            block.report(.missingKey, key: "starts", "no schedule; expected starts and ends, or days/from/until/dates")
        }
        return Silence(
            id: "config:\(index + 1)",
            kind: kind,
            trust: trust,
            site: site,
            alertname: alertname,
            schedule: schedule,
            comment: comment,
            createdBy: "config"
        )
    }
}
