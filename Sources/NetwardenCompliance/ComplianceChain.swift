import Crypto
import NetwardenCore

/// The tamper-evident compliance log format: one JSON object a line, each carrying the previous
/// line's hash (`prev`) and its own (`hash` = SHA-256 over `prev` and the line without `hash`).
/// Editing, deleting or reordering any record breaks every hash after it, which is what an
/// inspector needs to trust the record of checks.
///
/// A module of its own because two sides seal and verify with it: the daemon (NetwardenFiltering
/// and its local log) and the collector's evidence export. Pure (SHA-256 and the JSON writer, no
/// I/O), so the collector links neither the filtering engine nor anything of the daemon.
public enum ComplianceChain {
    /// `prev` of the first record.
    public static let genesis = String(repeating: "0", count: 64)

    /// The keys of a record, in the order they are sealed. The daemon writes them in this order
    /// (`record(_:runID:time:site:)` in NetwardenFiltering); the collector, which receives them as
    /// event attributes, puts them back in this order to recompute the hash.
    public static let fieldNames = [
        "time", "run", "site", "vantage", "check", "kind", "category", "target", "expect", "status", "blocked_by",
        "method", "evidence",
    ]

    /// The sealed line (no newline) for `fields` after a record whose hash was `previous`.
    public static func seal(_ fields: [(String, String)], previous: String) -> (line: String, hash: String) {
        var json = JSONWriter()
        json.beginObject()
        json.field("prev", previous)
        for (key, value) in fields { json.field(key, value) }
        json.endObject()
        let body = json.output
        let hash = digest(previous: previous, body: body)
        return (String(body.dropLast()) + ",\"hash\":\"\(hash)\"}", hash)
    }

    /// Where a chain first breaks.
    public struct Break: Error, Sendable, Equatable, CustomStringConvertible {
        /// 1-based line number.
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }

        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }
    }

    /// Checks every line; returns the last hash (to continue the chain) or the first break.
    public static func verify(_ lines: [String]) -> Result<String, Break> {
        var previous = genesis
        for (index, line) in lines.enumerated() {
            let prefix = "{\"prev\":\""
            let suffixLength = ",\"hash\":\"".count + 64 + "\"}".count
            guard line.hasPrefix(prefix), line.count >= prefix.count + 64 + suffixLength else {
                return .failure(Break(line: index + 1, reason: "not a sealed record"))
            }
            let claimedPrevious = String(line.dropFirst(prefix.count).prefix(64))
            guard claimedPrevious == previous else {
                return .failure(Break(line: index + 1, reason: "prev does not match the hash of the record before"))
            }
            let suffix = line.suffix(suffixLength)
            guard suffix.hasPrefix(",\"hash\":\""), suffix.hasSuffix("\"}") else {
                return .failure(Break(line: index + 1, reason: "no hash at the end"))
            }
            let claimed = String(suffix.dropFirst(",\"hash\":\"".count).prefix(64))
            let body = String(line.dropLast(suffixLength)) + "}"
            guard digest(previous: previous, body: body) == claimed else {
                return .failure(Break(line: index + 1, reason: "hash does not match the record (edited)"))
            }
            previous = claimed
        }
        return .success(previous)
    }

    public static func digest(previous: String, body: String) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(previous.utf8))
        hasher.update(data: Array(body.utf8))
        return hasher.finalize().map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]], as: UTF8.self)
        }.joined()
    }
}
