/// Parses the certificate dates libcurl reports in CURLINFO_CERTINFO ("Expire date:" lines).
///
/// With the OpenSSL backend they read like `Nov 24 10:00:00 2027 GMT` (ASN1_TIME_print); other
/// backends print `2027-11-24 10:00:00 GMT`. Both become seconds since the Unix epoch, computed
/// here without Foundation (days-from-civil arithmetic) so core stays pure.
public enum CertificateDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    public static func secondsSinceEpoch(_ text: String) -> Int64? {
        let parts = text.split(whereSeparator: { $0 == " " }).map(String.init)
        var year = 0
        var month = 0
        var day = 0
        var clock: [Int] = []
        if parts.count >= 4, let monthIndex = months.firstIndex(of: parts[0].lowercased()) {
            month = monthIndex + 1
            guard let d = Int(parts[1]), let y = Int(parts[3]) else { return nil }
            day = d
            year = y
            clock = parts[2].split(separator: ":").compactMap { Int($0) }
        } else if parts.count >= 2 {
            let date = parts[0].split(separator: "-").compactMap { Int($0) }
            guard date.count == 3 else { return nil }
            (year, month, day) = (date[0], date[1], date[2])
            clock = parts[1].split(separator: ":").compactMap { Int($0) }
        } else {
            return nil
        }
        guard clock.count == 3, (1...12).contains(month), (1...31).contains(day), (0...23).contains(clock[0]),
            (0...59).contains(clock[1]), (0...60).contains(clock[2])
        else { return nil }
        return daysFromCivil(year: year, month: month, day: day) * 86_400
            + Int64(clock[0] * 3600 + clock[1] * 60 + clock[2])
    }

    /// Howard Hinnant's days_from_civil: days since 1970-01-01 in the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
