/// Reads an HTTP `Retry-After` value (RFC 9110 section 10.2.3) as a delay.
///
/// The value is either delta-seconds (`120`) or an HTTP-date. Recipients must accept all three
/// date forms (section 5.6.7): IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, the obsolete RFC 850
/// `Sunday, 06-Nov-94 08:49:37 GMT` and asctime `Sun Nov  6 08:49:37 1994`. A date becomes the
/// time from `now` until it; a date already past is zero (retry now), not an error. Pure: the
/// caller passes the wall clock, so tests need no clock.
public enum RetryAfter {
    /// The delay `value` asks for, or nil when it is neither form.
    /// - Parameter now: seconds since the Unix epoch (UTC) when the response arrived.
    public static func delay(_ value: String, now: Int64) -> Duration? {
        let text = value.utf8.drop(while: isSpace).reversed().drop(while: isSpace).reversed()
        guard !text.isEmpty else { return nil }
        if text.allSatisfy(isDigit) {
            // Digits too many for Int64 saturate rather than fail: the caller caps the wait anyway.
            let seconds = Int64(String(decoding: Array(text), as: UTF8.self)) ?? Int64.max
            return .seconds(seconds)
        }
        guard let date = secondsSinceEpoch(httpDate: String(decoding: Array(text), as: UTF8.self), now: now) else {
            return nil
        }
        return .seconds(max(0, date - now))
    }

    /// An HTTP-date in any of the three forms as seconds since the epoch.
    public static func secondsSinceEpoch(httpDate: String, now: Int64) -> Int64? {
        let words = httpDate.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        var day = 0
        var month = 0
        var year = 0
        var clock = ""
        switch words.count {
        case 6 where words[0].hasSuffix(","):
            // IMF-fixdate: "Sun," "06" "Nov" "1994" "08:49:37" "GMT"
            guard words[5] == "GMT", weekdays.contains(String(words[0].dropLast())), words[1].count == 2,
                words[3].count == 4, let d = Int(words[1]), let m = monthNumber(words[2]), let y = Int(words[3])
            else { return nil }
            (day, month, year, clock) = (d, m, y, words[4])
        case 4 where words[0].hasSuffix(","):
            // RFC 850: "Sunday," "06-Nov-94" "08:49:37" "GMT"
            let parts = words[1].split(separator: "-").map(String.init)
            guard words[3] == "GMT", longWeekdays.contains(String(words[0].dropLast())), parts.count == 3,
                parts[0].count == 2, parts[2].count == 2, let d = Int(parts[0]), let m = monthNumber(parts[1]),
                let yy = Int(parts[2])
            else { return nil }
            (day, month, year, clock) = (d, m, centuryFor(twoDigitYear: yy, now: now), words[2])
        case 5:
            // asctime: "Sun" "Nov" "6" "08:49:37" "1994" (the day is space-padded, not zero-padded)
            guard weekdays.contains(words[0]), let m = monthNumber(words[1]), let d = Int(words[2]),
                words[4].count == 4, let y = Int(words[4])
            else { return nil }
            (day, month, year, clock) = (d, m, y, words[3])
        default:
            return nil
        }
        let time = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard time.count == 3, time.allSatisfy({ $0.count == 2 }), let hour = Int(time[0]), let minute = Int(time[1]),
            let second = Int(time[2]), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
            (1...31).contains(day), day <= daysIn(month: month, year: year)
        else { return nil }
        return CertificateDate.daysFromCivil(year: year, month: month, day: day) * 86_400
            + Int64(hour * 3600 + minute * 60 + second)
    }

    private static let weekdays: Set<String> = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let longWeekdays: Set<String> = [
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    ]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Month names are case-sensitive in HTTP-date.
    private static func monthNumber(_ name: String) -> Int? { months.firstIndex(of: name).map { $0 + 1 } }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// RFC 9110: a two-digit year more than 50 years in the future means the most recent past
    /// year with those digits.
    private static func centuryFor(twoDigitYear: Int, now: Int64) -> Int {
        let currentYear = yearOf(secondsSinceEpoch: now)
        var year = currentYear - currentYear % 100 + twoDigitYear
        if year > currentYear + 50 { year -= 100 }
        return year
    }

    /// Howard Hinnant's civil_from_days, year part only.
    private static func yearOf(secondsSinceEpoch seconds: Int64) -> Int {
        let days = (seconds >= 0 ? seconds : seconds - 86_399) / 86_400 + 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0))
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
