import Foundation
import NetwardenTestSupport
import Testing

/// The page in real headless Chromium (Debian's package): sign in through the form, load the
/// overview, two schools and the coverage views, check what a person would see, and keep
/// screenshots as artefacts under .build/test-artifacts/collector/.
@Suite(.timeLimit(.minutes(3)), .enabled(if: collectorBuilt, "netwarden-collector is not built"))
struct BrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    static let artifacts: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent(".build/test-artifacts/collector").path
    }()

    @Test(.enabled(if: chromium != nil, "needs chromium (apt-get install chromium; scripts/install-deps test)"))
    func signInOverviewSchoolAndCoverageInChromium() async throws {
        let collector = try CollectorUnderTest()
        try await collector.start()
        let password = try await collector.addUser("central-it")
        try await ViewScenario.seed(collector)

        try FileManager.default.createDirectory(atPath: Self.artifacts, withIntermediateDirectories: true)
        let chromium = try #require(Self.chromium)
        let output = try await Command(
            [
                "python3", Self.script, chromium, collector.baseURL, "central-it", password, Self.artifacts,
                "/|overview.png", "/site?\(ViewScenario.birch.query)|school.png",
                "/site?\(ViewScenario.ash.query)|school-ash.png", "/coverage|coverage.png",
                "/coverage?trust=oak-trust&category=safe_search|coverage-differs.png",
            ],
            timeout: .seconds(90)
        ).run()
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(output.standardOutputText.utf8)) as? [String: Any],
            "\(output.standardErrorText)"
        )
        let pages = try #require(json["pages"] as? [[String: Any]])
        #expect(pages.count == 5)
        func text(_ index: Int) throws -> String { try #require(pages[index]["text"] as? String) }
        let overview = try text(0)
        // Signed in (not bounced back to the form), every school listed, worst first.
        #expect(pages.first?["url"] as? String == collector.baseURL + "/")
        #expect(overview.contains("signed in as central-it"), "\(overview)")
        let birchAt = try #require(overview.range(of: "birch-school"), "\(overview)")
        let ashAt = try #require(overview.range(of: "ash-academy"), "\(overview)")
        let oakAt = try #require(overview.range(of: "oak-primary"), "\(overview)")
        #expect(birchAt.lowerBound < ashAt.lowerBound && ashAt.lowerBound < oakAt.lowerBound, "worst first")
        #expect(overview.contains("1 offline"))
        for column in ["Uplinks", "Loss now / 24 h", "Latency now / 24 h", "DNS", "HTTP", "Wi-Fi", "Filter tests"] {
            #expect(overview.contains(column), "overview lacks the \(column) column")
        }
        #expect(overview.contains("down: eth1") && overview.contains("failing: resolver"), "\(overview)")
        // The session cookie is HttpOnly: page script cannot read it.
        #expect((pages.first?["cookie_visible_to_script"] as? String)?.contains("nw_session") == false)

        let school = try text(1)
        #expect(school.contains("birch-school") && school.contains("offline"), "\(school)")
        #expect(school.contains("Outages in the last 24 hours"), "\(school)")
        #expect(school.contains("link down: the gateway kept measuring; its backlog arrived"), "\(school)")
        #expect(school.contains("no data reached the collector: gateway or netwarden down"), "\(school)")
        #expect(school.contains("Filter compliance log"), "\(school)")

        let ash = try text(2)
        #expect(ash.contains("Filter compliance log") && ash.contains("bet365") && ash.contains("google"), "\(ash)")

        let coverage = try text(3)
        #expect(coverage.contains("Safe search enforced at 1 of 3 schools"), "\(coverage)")
        #expect(coverage.contains("ash-academy (fail)") && coverage.contains("birch-school (untested)"), "\(coverage)")
        #expect(coverage.contains("elm-trust"), "\(coverage)")
        let differs = try text(4)
        #expect(differs.contains("schools that differ on Safe search enforced"), "\(differs)")

        for shot in ["overview.png", "school.png", "school-ash.png", "coverage.png", "coverage-differs.png"] {
            let size = try FileManager.default.attributesOfItem(atPath: Self.artifacts + "/" + shot)[.size] as? Int ?? 0
            #expect(size > 10_000, "\(shot) is \(size) bytes")
        }
        await collector.stop()
    }

    /// The DevTools driver next to this file.
    static let script: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        return url.appendingPathComponent("Fixtures/chromium_session.py").path
    }()
}
