import NetwardenCore

/// The outcome of one check, in the fixed vocabulary of `netwarden filter-test --json`.
public struct FilterCheckResult: Sendable, Equatable {
    /// What was checked.
    public enum Kind: String, Sendable, CaseIterable {
        case canary
        case safeSearch = "safe_search"
        case bypass
        case tlsInterception = "tls_interception"
    }

    /// Pass and fail are verdicts; inconclusive means the check could not tell (the control failed,
    /// or what came back matched neither the canary nor a known block page). It is never a pass.
    public enum Status: String, Sendable, CaseIterable {
        case pass, fail, inconclusive
    }

    /// The step of the DNS -> TCP -> TLS -> HTTP chain that showed the block.
    public enum BlockedBy: String, Sendable, CaseIterable {
        case dns, tcp, tls, http
    }

    public var name: String
    public var kind: Kind
    public var category: String
    public var vantage: String
    /// `blocked`, `allowed`, `enforced` (safe search), `unreachable` (bypass), `absent` or
    /// `present` (interception).
    public var expect: String
    public var status: Status
    public var blockedBy: BlockedBy?
    /// What was seen, step by step, in words a safeguarding lead can read.
    public var evidence: [String]
    public var durationSeconds: Double
    /// The target tested (URL, name or address:port).
    public var target: String
    /// A must-allow canary that was blocked: reported as over-blocking, not as a leak.
    public var overBlocking: Bool
    /// For HTTPS: the issuer of the certificate served, when one was seen.
    public var tlsIssuer: String?

    public init(
        name: String,
        kind: Kind,
        category: String,
        vantage: String,
        expect: String,
        status: Status,
        blockedBy: BlockedBy? = nil,
        evidence: [String] = [],
        durationSeconds: Double = 0,
        target: String = "",
        overBlocking: Bool = false,
        tlsIssuer: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.category = category
        self.vantage = vantage
        self.expect = expect
        self.status = status
        self.blockedBy = blockedBy
        self.evidence = evidence
        self.durationSeconds = durationSeconds
        self.target = target
        self.overBlocking = overBlocking
        self.tlsIssuer = tlsIssuer
    }

    /// A stable identity for "the same check" across runs: state changes are per check.
    public var checkID: String { "\(kind.rawValue)/\(vantage)/\(name)" }

    /// Writes this check as one JSON object (the `--json` contract plus extra fields).
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("name", name)
        json.field("kind", kind.rawValue)
        json.field("category", category)
        json.field("vantage", vantage)
        json.field("expect", expect)
        json.field("status", status.rawValue)
        json.key("blocked_by")
        if let blockedBy { json.string(blockedBy.rawValue) } else { json.null() }
        json.key("evidence")
        json.beginArray()
        for line in evidence { json.string(line) }
        json.endArray()
        json.field("duration_seconds", durationSeconds)
        json.field("target", target)
        json.field("over_blocking", overBlocking)
        json.key("tls_issuer")
        if let tlsIssuer { json.string(tlsIssuer) } else { json.null() }
        json.endObject()
    }
}

/// Counts per status and the exit status the CLI contract gives them.
public struct FilterTestSummary: Sendable, Equatable {
    public var pass = 0
    public var fail = 0
    public var inconclusive = 0

    public init(_ results: [FilterCheckResult]) {
        for result in results {
            switch result.status {
            case .pass: pass += 1
            case .fail: fail += 1
            case .inconclusive: inconclusive += 1
            }
        }
    }

    /// 0 all pass, 1 any fail, 3 inconclusive and no fail (2 is bad config, decided before any check).
    public var exitCode: Int32 {
        if fail > 0 { return 1 }
        if inconclusive > 0 { return 3 }
        return 0
    }

    /// The whole `--json` document: `{"checks": [...], "summary": {...}}`.
    public static func json(_ results: [FilterCheckResult]) -> String {
        let summary = FilterTestSummary(results)
        var json = JSONWriter()
        json.beginObject()
        json.key("checks")
        json.beginArray()
        for result in results { result.write(to: &json) }
        json.endArray()
        json.key("summary")
        json.beginObject()
        json.field("pass", summary.pass)
        json.field("fail", summary.fail)
        json.field("inconclusive", summary.inconclusive)
        json.endObject()
        json.endObject()
        return json.output
    }
}
