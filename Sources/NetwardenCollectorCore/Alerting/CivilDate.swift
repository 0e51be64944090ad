/// Calendar arithmetic on day numbers (days since 1970-01-01, proleptic Gregorian) without
/// Foundation's formatters: parsing and printing the dates and times silences are written in.
public enum CivilDate {
    public static let weekdayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// Floor division (Swift's `/` truncates toward zero; times before 1970 must not shift a day).
    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : (value - divisor + 1) / divisor
    }

    /// 0 = Sunday; 1970-01-01 was a Thursday.
    public static func weekday(ofDay day: Int64) -> Int { Int(((day % 7) + 7 + 4) % 7) }

    /// Howard Hinnant's days_from_civil.
    public static func day(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `day(year:month:day:)`.
    public static func civil(day days: Int64) -> (year: Int64, month: Int64, day: Int64) {
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

    /// `2026-12-19` as a day number; nil if it is not a real date in that form.
    public static func parseDate(_ text: String) -> Int64? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int64(parts[0]), let month = Int64(parts[1]), let dayOfMonth = Int64(parts[2]),
            (1...12).contains(month), (1...31).contains(dayOfMonth)
        else { return nil }
        let number = day(year: year, month: month, day: dayOfMonth)
        // 2026-02-30 would silently become 2026-03-02.
        guard civil(day: number) == (year, month, dayOfMonth) else { return nil }
        return number
    }

    /// `18:30` as minutes after midnight (`24:00` allowed as the end of a day).
    public static func parseClock(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
            (0...24).contains(hour), (0...59).contains(minute), hour * 60 + minute <= 1440
        else { return nil }
        return hour * 60 + minute
    }

    /// `2026-12-05T10:00:00Z` or with an offset (`+01:00`); fractions of a second are ignored.
    public static func parseTimestamp(_ text: String) -> Int64? {
        guard text.count >= 20 else { return nil }
        let characters = Array(text)
        guard characters[10] == "T" || characters[10] == "t" || characters[10] == " " else { return nil }
        guard let date = parseDate(String(characters[0..<10])) else { return nil }
        let timeParts = String(characters[11..<19]).split(separator: ":", omittingEmptySubsequences: false)
        guard timeParts.count == 3, let hour = Int64(timeParts[0]), let minute = Int64(timeParts[1]),
            let second = Int64(timeParts[2]), hour < 24, minute < 60, second < 61
        else { return nil }
        var rest = characters[19...]
        if rest.first == "." { rest = rest.drop(while: { $0 == "." || $0.isNumber }) }
        var offsetSeconds: Int64 = 0
        if rest == ["Z"] || rest == ["z"] {
            offsetSeconds = 0
        } else if rest.count == 6, rest.first == "+" || rest.first == "-",
            let minutes = parseClock(String(rest.dropFirst()))
        {
            offsetSeconds = Int64(minutes) * 60 * (rest.first == "-" ? -1 : 1)
        } else {
            return nil
        }
        return ((date * 86_400 + hour * 3600 + minute * 60 + second) - offsetSeconds) * 1000
    }

    public static func date(day: Int64) -> String {
        let (year, month, dayOfMonth) = civil(day: day)
        return "\(year)-\(two(month))-\(two(dayOfMonth))"
    }

    public static func clock(minute: Int) -> String { "\(two(Int64(minute / 60))):\(two(Int64(minute % 60)))" }

    /// `2026-12-05T10:00:00Z`.
    public static func rfc3339(milliseconds: Int64) -> String {
        let seconds = floorDivide(milliseconds, 1000)
        let day = floorDivide(seconds, 86_400)
        let second = seconds - day * 86_400
        return date(day: day) + "T" + two(second / 3600) + ":" + two(second / 60 % 60) + ":" + two(second % 60) + "Z"
    }

    /// `10:42` UTC, for summaries.
    public static func shortTime(milliseconds: Int64) -> String {
        let seconds = floorDivide(milliseconds, 1000)
        let second = seconds - floorDivide(seconds, 86_400) * 86_400
        return two(second / 3600) + ":" + two(second / 60 % 60)
    }

    private static func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
