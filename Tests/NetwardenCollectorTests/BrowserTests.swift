import Foundation
import NetwardenTestSupport
import Testing

/// The page in real headless Chromium (Debian's package): sign in through the form, load the
/// overview and a school, check what a person would see, and keep screenshots as artefacts
/// under .build/test-artifacts/collector/.
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
    func signInOverviewAndSchoolPageInChromium() async throws {
        let collector = try CollectorUnderTest()
        try await collector.start()
        let oak = try await collector.addAgent("oak-gw1")
        let elm = try await collector.addAgent("elm-gw1")
        let password = try await collector.addUser("central-it")
        let now = TestBatch.nowMilliseconds()
        #expect(
            try await collector.ingest(
                TestBatch.oak(batch: 1, sampleIDs: ["b-1"], eventIDs: ["b-e1"], ts: now),
                token: oak
            ).status == 200
        )
        let elmWho = TestBatch.identity("elm-trust", "elm-academy", "gw1")
        let elmBatch =
            [
                TestBatch.header(agent: elmWho, batch: 1, records: 2),
                TestBatch.samples(id: "elm-s", ts: now - 600_000, identity: elmWho, probe: "dns", value: "0"),
                TestBatch.event(
                    id: "elm-e",
                    ts: now - 600_000,
                    trust: "elm-trust",
                    site: "elm-academy",
                    gateway: "gw1",
                    kind: "probe_failed",
                    subject: "dns"
                ),
            ].joined(separator: "\n") + "\n"
        #expect(try await collector.ingest(elmBatch, token: elm).status == 200)

        try FileManager.default.createDirectory(atPath: Self.artifacts, withIntermediateDirectories: true)
        let chromium = try #require(Self.chromium)
        let output = try await Command(
            [
                "python3", Self.script, chromium, collector.baseURL, "central-it", password, Self.artifacts,
                "/|overview.png", "/site?trust=elm-trust&site=elm-academy&gateway=gw1|school.png",
            ],
            timeout: .seconds(90)
        ).run()
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(output.standardOutputText.utf8)) as? [String: Any],
            "\(output.standardErrorText)"
        )
        let pages = try #require(json["pages"] as? [[String: Any]])
        #expect(pages.count == 2)
        let overview = try #require(pages.first?["text"] as? String)
        // Signed in (not bounced back to the form), both schools listed, the offline one first.
        #expect(pages.first?["url"] as? String == collector.baseURL + "/")
        #expect(overview.contains("signed in as central-it"), "\(overview)")
        let elmAt = try #require(overview.range(of: "elm-academy"), "\(overview)")
        let oakAt = try #require(overview.range(of: "oak-primary"), "\(overview)")
        #expect(elmAt.lowerBound < oakAt.lowerBound, "worst first: elm (offline, failing dns) before oak")
        #expect(overview.contains("1 offline"))
        // The session cookie is HttpOnly: page script cannot read it.
        #expect((pages.first?["cookie_visible_to_script"] as? String)?.contains("nw_session") == false)

        let school = try #require(pages.last?["text"] as? String)
        #expect(
            school.contains("elm-academy") && school.contains("probe_failed") && school.contains("offline"),
            "\(school)"
        )
        for shot in ["overview.png", "school.png"] {
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
