import NetwardenCollectorCore
import Testing

/// Recurring maintenance windows: weekdays, overnight times, term-holiday date ranges and a
/// time zone with summer time.
struct SilenceScheduleTests {
    static func at(_ text: String) -> Int64 { CivilDate.parseTimestamp(text)! }

    @Test func weekdayEveningsIncludingTheEarlyMorningAfter() {
        // Mon–Fri 18:00–07:00 in UTC.
        let window = Silence.Recurrence(weekdays: [1, 2, 3, 4, 5], fromMinute: 18 * 60, untilMinute: 7 * 60)
        #expect(window.contains(Self.at("2027-01-11T18:00:00Z")))  // Monday 18:00
        #expect(window.contains(Self.at("2027-01-12T06:59:59Z")))  // Tuesday early: Monday's window
        #expect(!window.contains(Self.at("2027-01-12T07:00:00Z")))
        #expect(!window.contains(Self.at("2027-01-11T17:59:59Z")))
        #expect(window.contains(Self.at("2027-01-16T06:00:00Z")))  // Saturday early: Friday's window
        #expect(!window.contains(Self.at("2027-01-16T18:30:00Z")))  // Saturday evening
        #expect(!window.contains(Self.at("2027-01-11T06:00:00Z")))  // Monday early: Sunday's, not listed
    }

    @Test func termHolidaysAsDateRangesAllDay() {
        let holidays = Silence.Recurrence(
            dateRanges: [CivilDate.parseDate("2026-12-19")!...CivilDate.parseDate("2027-01-04")!]
        )
        #expect(holidays.contains(Self.at("2026-12-19T00:00:00Z")))
        #expect(holidays.contains(Self.at("2027-01-04T23:59:59Z")))
        #expect(!holidays.contains(Self.at("2027-01-05T00:00:00Z")))
        #expect(!holidays.contains(Self.at("2026-12-18T23:59:59Z")))
    }

    @Test func localTimesFollowSummerTime() {
        // Every day 08:00–09:00 London time: 08:00 UTC in winter, 07:00 UTC in summer.
        let window = Silence.Recurrence(fromMinute: 8 * 60, untilMinute: 9 * 60, timeZone: "Europe/London")
        #expect(window.contains(Self.at("2027-01-15T08:30:00Z")))
        #expect(!window.contains(Self.at("2027-01-15T07:30:00Z")))
        #expect(window.contains(Self.at("2027-07-15T07:30:00Z")))
        #expect(!window.contains(Self.at("2027-07-15T08:30:00Z")))
    }

    @Test func scopeCoversTrustSchoolAndAlert() {
        let trustWide = Silence(
            id: "config:1",
            kind: .maintenance,
            trust: "oak-trust",
            schedule: .once(starts: 0, ends: 1)
        )
        let oneAlert = Silence(
            id: "db:1",
            kind: .silence,
            trust: "oak-trust",
            site: "oak-primary",
            alertname: "probe_down",
            schedule: .once(starts: 0, ends: 1)
        )
        let labels = ["trust": "oak-trust", "site": "oak-primary", "alertname": "probe_down"]
        #expect(trustWide.covers(labels))
        #expect(oneAlert.covers(labels))
        #expect(!oneAlert.covers(labels.merging(["alertname": "dns_slow"]) { $1 }))
        #expect(!trustWide.covers(labels.merging(["trust": "elm-trust"]) { $1 }))
        #expect(trustWide.isActive(at: 0) && !trustWide.isActive(at: 1))
    }

    @Test func timestampsAndDatesParseStrictly() {
        #expect(CivilDate.parseTimestamp("2026-12-05T10:00:00Z") == 1_796_464_800_000)
        #expect(CivilDate.parseTimestamp("2026-12-05T11:00:00+01:00") == 1_796_464_800_000)
        #expect(CivilDate.parseTimestamp("2026-12-05T10:00:00.250Z") == 1_796_464_800_000)
        #expect(CivilDate.parseTimestamp("2026-12-05 10:00") == nil)
        #expect(CivilDate.parseDate("2026-02-30") == nil)
        #expect(CivilDate.parseClock("24:00") == 1440)
        #expect(CivilDate.parseClock("24:01") == nil)
        #expect(CivilDate.rfc3339(milliseconds: 1_796_464_800_000) == "2026-12-05T10:00:00Z")
    }
}
