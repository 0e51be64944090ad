import FoundationEssentials
import NetwardenFiltering

/// The readable `netwarden filter-test` report: what a technician hands to a safeguarding lead.
enum FilterTestReport {
    static func render(_ results: [FilterCheckResult], site: String, time: Date) -> String {
        let summary = FilterTestSummary(results)
        var lines = [
            "Web filter test for \(site.isEmpty ? "this site" : site), \(time.formatted(.iso8601))",
            "\(summary.pass) passed, \(summary.fail) failed, \(summary.inconclusive) inconclusive",
            "",
        ]
        let vantages = results.reduce(into: [String]()) { if !$0.contains($1.vantage) { $0.append($1.vantage) } }
        for vantage in vantages {
            lines.append("From \(vantage):")
            for result in results where result.vantage == vantage {
                let mark =
                    switch result.status {
                    case .pass: "PASS"
                    case .fail: result.overBlocking ? "FAIL (over-blocking)" : "FAIL"
                    case .inconclusive: "INCONCLUSIVE"
                    }
                let how = result.blockedBy.map { ", blocked by \($0.rawValue)" } ?? ""
                lines.append(
                    "  \(mark): \(result.kind.rawValue) \(result.name) [\(result.category)] expect \(result.expect)\(how)"
                )
                for line in result.evidence { lines.append("      \(line)") }
            }
            lines.append("")
        }
        if summary.inconclusive > 0 {
            lines.append("Inconclusive checks prove nothing either way: fix the connection and test again.")
        }
        return lines.joined(separator: "\n")
    }
}
