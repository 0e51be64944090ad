import Foundation
import NetwardenCollectorCore

/// A silence from the page's form or the JSON API: `kind`, `trust`, optional `site` and
/// `alertname`, `starts` (default now), and `ends` or `duration_minutes`, with `comment`.
/// Times are RFC 3339, or the form's `2026-12-05T10:00` read as UTC.
enum SilenceRequest {
    /// The longest window the page or API may create; longer ones belong in the config.
    static let maximumMilliseconds: Int64 = 400 * 86_400_000

    /// What is wrong with a request, in words for the page or the API's `error`.
    struct Problem: Error {
        var message: String
    }

    static func silence(from fields: [String: String], user: String, now: Int64) -> Result<Silence, Problem> {
        func field(_ name: String) -> String? {
            guard let value = fields[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        guard let kind = Silence.Kind(rawValue: field("kind") ?? "silence") else {
            return .failure(Problem(message: "kind must be silence or maintenance"))
        }
        guard let trust = field("trust") else { return .failure(Problem(message: "trust is required")) }
        for (name, value) in [("trust", trust), ("site", field("site") ?? ""), ("alertname", field("alertname") ?? "")]
        where value.utf8.count > 128 {
            return .failure(Problem(message: "\(name) is longer than 128 bytes"))
        }
        let starts: Int64
        if let text = field("starts") {
            guard let parsed = time(text) else {
                return .failure(Problem(message: "starts `\(text)` is not a time; expected RFC 3339"))
            }
            starts = parsed
        } else {
            starts = now
        }
        let ends: Int64
        if let text = field("ends") {
            guard let parsed = time(text) else {
                return .failure(Problem(message: "ends `\(text)` is not a time; expected RFC 3339"))
            }
            ends = parsed
        } else if let text = field("duration_minutes") {
            guard let minutes = Int64(text), minutes > 0, minutes <= maximumMilliseconds / 60_000 else {
                return .failure(
                    Problem(
                        message: "duration_minutes must be a whole number from 1 to \(maximumMilliseconds / 60_000)"
                    )
                )
            }
            ends = starts + minutes * 60_000
        } else {
            return .failure(Problem(message: "expected ends or duration_minutes"))
        }
        guard ends > starts else { return .failure(Problem(message: "ends must be after starts")) }
        guard ends > now else { return .failure(Problem(message: "the window is already over")) }
        guard ends - starts <= maximumMilliseconds else {
            return .failure(
                Problem(message: "windows longer than 400 days belong in the config as recurring [[silence]] blocks")
            )
        }
        let comment = String((field("comment") ?? "").prefix(500))
        return .success(
            Silence(
                id: "",
                kind: kind,
                trust: trust,
                site: field("site"),
                alertname: field("alertname"),
                schedule: .once(starts: starts, ends: ends),
                comment: comment,
                createdBy: user
            )
        )
    }

    static func time(_ text: String) -> Int64? {
        if let parsed = CivilDate.parseTimestamp(text) { return parsed }
        // <input type="datetime-local"> sends 2026-12-05T10:00 (no seconds, no zone).
        if text.count == 16 { return CivilDate.parseTimestamp(text + ":00Z") }
        return nil
    }
}
