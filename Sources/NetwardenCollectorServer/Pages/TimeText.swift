/// Times as the page shows them: UTC wall time and "how long ago", without Foundation's
/// formatters (no locale or time zone database surprises on a server).
enum TimeText {
    /// `2025-03-04 10:15:00 UTC`.
    static func utc(milliseconds: Int64) -> String {
        let (date, time) = parts(milliseconds)
        return "\(date) \(time) UTC"
    }

    /// RFC 3339 (`2025-03-04T10:15:00Z`) for the JSON API.
    static func rfc3339(milliseconds: Int64) -> String {
        let (date, time) = parts(milliseconds)
        return "\(date)T\(time)Z"
    }

    private static func parts(_ milliseconds: Int64) -> (date: String, time: String) {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return (
            "\(year)-\(two(month))-\(two(day))",
            "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))"
        )
    }

    /// "12 s ago", "5 min ago", "3 h ago", "2 days ago".
    static func ago(milliseconds: Int64, now: Int64) -> String {
        let seconds = max(0, (now - milliseconds) / 1000)
        if seconds < 90 { return "\(seconds) s ago" }
        if seconds < 90 * 60 { return "\(seconds / 60) min ago" }
        if seconds < 36 * 3600 { return "\(seconds / 3600) h ago" }
        return "\(seconds / 86_400) days ago"
    }

    /// "45 min", "3 h 15 min", "2 days 4 h".
    static func duration(milliseconds: Int64) -> String {
        let minutes = max(0, milliseconds / 60_000)
        if minutes < 60 { return "\(minutes) min" }
        if minutes < 48 * 60 {
            return minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes / 60) h \(minutes % 60) min"
        }
        return "\(minutes / 1440) days \(minutes % 1440 / 60) h"
    }

    /// `2025-03-04`, the coverage grid's date.
    static func date(milliseconds: Int64) -> String { parts(milliseconds).date }

    /// Howard Hinnant's days-from-civil inverse: proleptic Gregorian date of a day number.
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
