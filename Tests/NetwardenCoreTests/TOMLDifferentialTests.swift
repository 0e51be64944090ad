import Foundation
import NetwardenCore
import NetwardenTestSupport
import Testing

/// Our TOML parser against Python's `tomllib` (CPython's stdlib since 3.11, TOML 1.0) on
/// generated documents: both must agree on which documents are TOML and, for those that are,
/// on every value.
///
/// Deliberate differences, each checked rather than skipped:
/// - dates and times: valid TOML, but netwarden rejects them with its own message because no
///   setting is a date (`TOMLParser`);
/// - integers outside 64 bits: tomllib keeps them as Python ints, TOML 1.0 says a parser that
///   cannot represent one losslessly must reject it, which ours does.
@Suite struct TOMLDifferentialTests {
    /// Another seed or more documents explore further:
    /// `NETWARDEN_TOML_SEED=7 NETWARDEN_TOML_DOCUMENTS=50000 swift test --filter TOMLDifferentialTests`.
    static let seed =
        ProcessInfo.processInfo.environment["NETWARDEN_TOML_SEED"].flatMap { UInt64($0) }
        ?? 0x746F_6D6C_6469_6666
    static let documentCount =
        ProcessInfo.processInfo.environment["NETWARDEN_TOML_DOCUMENTS"].flatMap { Int($0) }
        ?? 3000

    @Test(.requiresPrograms(.python3), .timeLimit(.minutes(1)))
    func agreesWithTomllib() async throws {
        var generator = TOMLDocumentGenerator(seed: Self.seed)
        let documents = (0..<Self.documentCount).map { _ in generator.document() }
        let verdicts = try await Self.tomllibVerdicts(for: documents)
        try #require(verdicts.count == documents.count, "tomllib gave \(verdicts.count) verdicts")

        var counts: [String: Int] = [:]
        var disagreements: [String] = []
        for (document, verdict) in zip(documents, verdicts) {
            counts[verdict.kind, default: 0] += 1
            if let problem = Self.disagreement(document, verdict) { disagreements.append(problem) }
        }
        // The generator must really produce both kinds, or agreement would prove little.
        #expect(counts["ok", default: 0] > Self.documentCount / 5, "\(counts)")
        #expect(counts["err", default: 0] > Self.documentCount / 10, "\(counts)")
        #expect(counts["date", default: 0] > 0 && counts["big", default: 0] > 0, "\(counts)")
        #expect(
            disagreements.isEmpty,
            "\(disagreements.count) of \(documents.count) documents:\n\(disagreements.prefix(8).joined(separator: "\n"))"
        )
    }

    struct Verdict {
        /// ok, date, big or err (see `TOMLReferenceScript`).
        var kind: String
        var detail: String
    }

    /// Runs every document through tomllib in one Python process.
    static func tomllibVerdicts(for documents: [[UInt8]]) async throws -> [Verdict] {
        let input = documents.map { $0.map { String(format: "%02x", $0) }.joined() }.joined(separator: "\n") + "\n"
        let output = try await Command(
            ["python3", "-c", TOMLReferenceScript.source],
            standardInput: Array(input.utf8),
            timeout: .seconds(50)
        ).run()
        return output.standardOutputText.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
            line in
            let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
            return Verdict(kind: String(parts[0]), detail: parts.count > 1 ? String(parts[1]) : "")
        }
    }

    static func isDateRejection(_ error: TOMLParseError?) -> Bool {
        error?.message.contains("date-times are not supported") == true
    }

    /// nil when our parser agrees with tomllib's verdict on `document`, else a description.
    static func disagreement(_ document: [UInt8], _ verdict: Verdict) -> String? {
        let parsed = TOMLParser.parse(document)
        let ours = parsed.errors.isEmpty ? "valid \(TOMLCanonicalForm.of(parsed.root))" : "\(parsed.errors[0])"
        let agrees: Bool
        switch verdict.kind {
        case "ok": agrees = parsed.errors.isEmpty && TOMLCanonicalForm.of(parsed.root) == verdict.detail
        case "err": agrees = !parsed.errors.isEmpty
        case "date": agrees = Self.isDateRejection(parsed.errors.first)
        // The document may hold a date before the big integer: either deliberate rejection.
        case "big": agrees = parsed.errors.first?.code == .invalidNumber || Self.isDateRejection(parsed.errors.first)
        default: agrees = false
        }
        guard !agrees else { return nil }
        return "--- document \(String(reflecting: String(decoding: document, as: UTF8.self)))\n"
            + "    tomllib: \(verdict.kind) \(verdict.detail)\n    ours:    \(ours)"
    }
}
