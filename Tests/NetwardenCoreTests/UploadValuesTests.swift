import NetwardenCore
import NetwardenTestSupport
import Testing

@Suite(.timeLimit(.minutes(1)))
struct UploadValuesTests {
    @Test func displayURLDropsCredentialsAndQuery() {
        #expect(
            UploadRequest.displayURL("https://user:pw@collector.trust.example:8443/api/v1/push?key=abc#x")
                == "https://collector.trust.example:8443/api/v1/push"
        )
        #expect(UploadRequest.displayURL("http://host/a@b") == "http://host/a@b")
        #expect(UploadRequest.displayURL("host:80/path?q") == "host:80/path")
    }

    @Test func headerProblemsNameTheHeaderNotTheValue() {
        #expect(HTTPHeaderField("X-Scope-OrgID", "trust-1").problem == nil)
        let split = HTTPHeaderField("X-Key", "secret\r\nX-Evil: 1").problem
        #expect(split != nil && split?.contains("secret") == false)
        #expect(HTTPHeaderField("Bad Name", "v").problem != nil)
        #expect(HTTPHeaderField("", "v").problem != nil)
        #expect(String(describing: HTTPHeaderField("X-Api-Key", "k-123")) == "X-Api-Key: <5 bytes>")
    }

    @Test func settingsProblems() {
        #expect(HTTPUploadSettings().problems.isEmpty)
        let both = HTTPUploadSettings(bearerToken: Secret("t"), basicAuth: .init(user: "u", password: Secret("p")))
        #expect(both.problems.count == 1)
        #expect(HTTPUploadSettings(headers: [HTTPHeaderField("Content-Type", "x")]).problems.count == 1)
        #expect(HTTPUploadSettings(headers: [HTTPHeaderField("Authorization", "Splunk x")]).problems.isEmpty)
        #expect(
            HTTPUploadSettings(bearerToken: Secret("t"), headers: [HTTPHeaderField("Authorization", "x")]).problems
                .count == 1
        )
        #expect(HTTPUploadSettings(clientKeyFile: "/k.pem").problems.count == 1)
        #expect(HTTPUploadSettings(timeout: .zero, lowSpeedPeriod: .milliseconds(10)).problems.count == 2)
    }

    @Test func responseBodyTextCannotForgeLogLines() {
        let response = UploadResponse(status: 400, bodyPrefix: Array("bad\nline\u{1b}[31m".utf8))
        #expect(response.bodyPrefixText == "bad line [31m")
        #expect(!response.isSuccess)
    }
}

@Suite(.timeLimit(.minutes(1)))
struct ScriptedUploadTransportTests {
    @Test func answersFromTheScriptThenTheDefault() async throws {
        let transport: any UploadTransport = ScriptedUploadTransport([
            .failure(UploadError(code: .timeout, message: "scripted")),
            .success(UploadResponse(status: 429, retryAfter: .seconds(3))),
        ])
        let request = UploadRequest(url: "https://collector.example/push", body: [1], contentType: "application/json")
        #expect(await transport.post(request).failureCode == .timeout)
        #expect(try await transport.post(request).get().retryAfter == .seconds(3))
        #expect(try await transport.post(request).get().status == 204)
        #expect((transport as? ScriptedUploadTransport)?.requests.count == 3)
    }
}

extension Result where Failure == UploadError {
    fileprivate var failureCode: UploadError.Code? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}
