import Foundation
import NetwardenTestSupport
import Testing

/// HTTPS interception in the lab: nginx with a certificate from a second CA ("school filter CA")
/// plays a filter that intercepts `intercepted.lab` to show its block page. The check names the
/// issuer; a canary behind it reads as blocked by TLS; with the filter CA configured and
/// interception expected, the interception check passes.
@Suite(
    .requiresLab(.nft, .dnsmasq, .nginx, .openssl),
    .enabled(if: DaemonUnderTest.isBuilt, "needs the netwarden binary (swift build)"),
    .timeLimit(.minutes(3))
)
struct FilterInterceptionLabTests {
    typealias School = LabTopology.School

    @Test func interceptionIsDetectedWithItsIssuer() async throws {
        try await Lab.with(.school) { lab in
            let directory = lab.directory + "/filter-ca"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let filterCA = try await LabCertificateAuthority.create(
                in: directory,
                commonName: "school filter CA"
            )
            var interceptor = HTTPServerConfiguration(
                routes: [.init("/", body: "<title>Blocked</title>lab-filter-says-no", contentType: "text/html")],
                listenAddresses: ["10.200.100.7"],
                httpsPort: 443,
                serverNames: ["intercepted.lab"]
            )
            interceptor.certificateAuthority = filterCA
            let canary = """
                [[filter_tests.canary]]
                name = "intercepted"
                category = "lab"
                url = "https://intercepted.lab/"
                expect = "blocked"
                """
            let interception = "interception_urls = [\"https://control.lab/\", \"https://intercepted.lab/\"]"

            let config = try await FilterTestLabTests.buildFilteringGateway(
                lab,
                extraSettings: interception + "\n" + canary
            )
            _ = try await lab.startHTTPServer(in: School.internet, interceptor)
            let (_, checks, _) = try await FilterTestLabTests.filterTest(lab, config: config)

            let blocked = checks["canary/intercepted"]
            #expect(blocked?["status"] as? String == "pass", "\(blocked ?? [:])")
            #expect(blocked?["blocked_by"] as? String == "tls")
            #expect((blocked?["tls_issuer"] as? String)?.contains("school filter CA") == true)
            let intercepted = checks["tls_interception/intercepted.lab"]
            #expect(intercepted?["status"] as? String == "fail", "\(intercepted ?? [:])")
            #expect((intercepted?["tls_issuer"] as? String)?.contains("school filter CA") == true)
            #expect(checks["tls_interception/control.lab"]?["status"] as? String == "pass")

            // The school's own filter CA, and interception is what it wants.
            let expected = lab.directory + "/expected.toml"
            try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(
                of: interception,
                with: interception + "\nfilter_ca_file = \"\(filterCA.certificatePath)\"\nexpect_interception = true"
            ).write(toFile: expected, atomically: true, encoding: .utf8)
            let (_, again, _) = try await FilterTestLabTests.filterTest(lab, config: expected)
            let known = again["tls_interception/intercepted.lab"]
            #expect(known?["status"] as? String == "pass", "\(known ?? [:])")
            #expect((known?["evidence"] as? [String])?.contains { $0.contains("filter_ca") } == true)
            #expect(again["canary/intercepted"]?["status"] as? String == "pass")
        }
    }
}
