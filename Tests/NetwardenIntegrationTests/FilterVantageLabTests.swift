import Foundation
import NetwardenTestSupport
import Testing

/// Two policy groups on one LAN: "students" (10.200.1.2) are blocked from a gambling canary by the
/// gateway's nftables, "staff" (10.200.1.3, also bound to lan0) are not. Each check names its
/// vantage, and the same canary gives different results from each.
@Suite(
    .requiresLab(.nft, .dnsmasq, .nginx, .openssl),
    .enabled(if: DaemonUnderTest.isBuilt, "needs the netwarden binary (swift build)"),
    .timeLimit(.minutes(3))
)
struct FilterVantageLabTests {
    typealias School = LabTopology.School

    static let staff = "10.200.1.3"

    @Test func twoVantagesWithDifferentPoliciesGiveDifferentResults() async throws {
        try await Lab.with(.school) { lab in
            try await lab.run(in: School.client, ["ip", "addr", "add", Self.staff + "/24", "dev", School.lanInterface])
            let vantages = """
                [[filter_tests.vantage]]
                name = "students"
                source_address = "\(School.clientIPv4)"
                [[filter_tests.vantage]]
                name = "staff"
                interface = "\(School.lanInterface)"
                source_address = "\(Self.staff)"
                [[filter_tests.canary]]
                name = "policy-gambling"
                category = "gambling"
                url = "https://policy.lab/policy"
                expect = "blocked"
                marker = "policy-marker"
                """
            let config = try await FilterTestLabTests.buildFilteringGateway(lab, extraSettings: vantages)
            try await lab.addNFTable(
                in: School.gateway,
                name: "students_policy",
                body: """
                    chain students_forward {
                        type filter hook forward priority 0; policy accept;
                        ip saddr \(School.clientIPv4) ip daddr 10.200.100.8 tcp dport 443 reject with tcp reset
                    }
                    """
            )
            // The same check runs from both vantages, so read the raw list, not checks by name.
            let output = try await lab.run(
                in: School.client,
                [DaemonUnderTest.binaryPath, "filter-test", "--config", config, "--json"],
                timeout: .seconds(120),
                check: false
            )
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(output.standardOutput)) as? [String: Any]
            )
            let all = try #require(object["checks"] as? [[String: Any]])
            func result(_ vantage: String) -> [String: Any]? {
                all.first { $0["name"] as? String == "policy-gambling" && $0["vantage"] as? String == vantage }
            }
            let students = try #require(result("students"))
            #expect(students["status"] as? String == "pass", "\(students)")
            #expect(students["blocked_by"] as? String == "tcp")
            let staff = try #require(result("staff"))
            #expect(staff["status"] as? String == "fail", "\(staff)")
            #expect(staff["blocked_by"] is NSNull)
            // Every check from either vantage names it.
            #expect(Set(all.compactMap { $0["vantage"] as? String }) == ["students", "staff"])
        }
    }
}
