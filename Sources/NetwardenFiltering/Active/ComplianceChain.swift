import Crypto
import NetwardenCore

/// The tamper-evident compliance log format: one JSON object a line, each carrying the previous
/// line's hash (`prev`) and its own (`hash` = SHA-256 over `prev` and the line without `hash`).
/// Editing, deleting or reordering any record breaks every hash after it, which is what an
/// inspector needs to trust the record of checks.
public enum ComplianceChain {
    /// `prev` of the first record.
    public static let genesis = String(repeating: "0", count: 64)

    /// One check as a record: when, where from, what, the result, how it was judged, the evidence.
    public static func record(
        _ result: FilterCheckResult,
        runID: String,
        time: String,
        site: String
    ) -> [(String, String)] {
        [
            ("time", time), ("run", runID), ("site", site), ("vantage", result.vantage),
            ("check", result.name), ("kind", result.kind.rawValue), ("category", result.category),
            ("target", result.target), ("expect", result.expect), ("status", result.status.rawValue),
            ("blocked_by", result.blockedBy?.rawValue ?? ""),
            ("method", method(for: result.kind)),
            ("evidence", result.evidence.joined(separator: " | ")),
        ]
    }

    /// How a kind of check is judged, written into every record so the log explains itself.
    public static func method(for kind: FilterCheckResult.Kind) -> String {
        switch kind {
        case .canary:
            "DNS -> TCP -> TLS -> HTTP through the school resolver with a control over the same vantage; "
                + "control failure is inconclusive"
        case .safeSearch: "A and AAAA of the public name must be a CNAME for, or the addresses of, the enforced name"
        case .bypass: "a TCP handshake, DNS answer or QUIC version negotiation from outside means reachable"
        case .tlsInterception: "issuer of the served certificate against public CAs and the configured filter CA"
        }
    }

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

    static func digest(previous: String, body: String) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(previous.utf8))
        hasher.update(data: Array(body.utf8))
        return hasher.finalize().map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]], as: UTF8.self)
        }.joined()
    }
}
