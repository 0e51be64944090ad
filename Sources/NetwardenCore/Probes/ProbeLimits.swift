/// The limits every probe setting has, shared by the config (`[[probes.*]]`) and the CLI
/// (`netwarden probe ...`): a value the daemon would refuse is refused by the one-shot command
/// too, with the same range in the message.
public enum ProbeLimits {
    /// `interval_seconds`.
    public static let intervalSeconds: ClosedRange<Double> = 1...86_400
    /// `timeout_seconds` and `--timeout`.
    public static let timeoutSeconds: ClosedRange<Double> = 0.1...120
    /// Echo requests in one ICMP burst (`count`, `--count`).
    public static let count: ClosedRange<Int> = 1...1000
    /// Seconds between echo requests (`spacing_seconds`, `--interval`).
    public static let spacingSeconds: ClosedRange<Double> = 0.001...60
    /// ICMP payload (`payload_bytes`, `--size`).
    public static let payloadBytes: ClosedRange<Int> = 0...65_000
    /// TCP and DNS ports (`port`, `--port`); 0 is "any port" to the kernel, never a target.
    public static let port: ClosedRange<Int> = 1...65_535

    /// Why a burst of `count` requests `spacing` apart does not fit in `budget`, or nil. The
    /// daemon's budget is the probe's interval (a burst must end before the next one starts);
    /// the CLI's is `--timeout`, which bounds the whole run.
    public static func burstDoesNotFit(count: Int, spacing: Duration, budget: Duration) -> Bool {
        spacing * count >= budget
    }

    /// Why `host` is not a host name or address a probe can aim at, or nil.
    public static func hostProblem(_ host: String) -> String? {
        if host.isEmpty || host.utf8.count > 253 { return "expected a host name or IP address" }
        if host.unicodeScalars.contains(where: { $0 == " " || $0 == "/" || $0.value < 0x21 || $0.value == 0x7f }) {
            return "`\(host)` is not a host name or address; expected e.g. 8.8.8.8 or www.example.org"
        }
        return nil
    }

    /// Why `url` is not an http(s) URL a probe can fetch, or nil.
    public static func urlProblem(_ url: String) -> String? {
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            return "`\(url)` is not an http:// or https:// URL"
        }
        if url.unicodeScalars.contains(where: { $0 == " " || $0.value < 0x21 || $0.value == 0x7f }) {
            return "the URL contains spaces or control characters"
        }
        return nil
    }

    /// Why `address` is not a numeric IPv4 or IPv6 address, or nil (resolvers and source
    /// addresses are never looked up: a probe of DNS must not depend on DNS).
    public static func addressProblem(_ address: String) -> String? {
        IPAddressText.isNumeric(address) ? nil : "`\(address)` is not a numeric IPv4 or IPv6 address"
    }

    /// "1 to 1000", "0.1 to 120": a range as messages print it.
    public static func describe(_ range: ClosedRange<Int>) -> String { "\(range.lowerBound) to \(range.upperBound)" }

    public static func describe(_ range: ClosedRange<Double>) -> String {
        "\(ConfigValueType<Double>.format(range.lowerBound)) to \(ConfigValueType<Double>.format(range.upperBound))"
    }
}
