import Foundation
import NetwardenCore
import NetwardenHTTP
import NetwardenTestSupport
import Testing

/// HTTPUploadClient against real servers on 127.0.0.1: python3's http.server (which records
/// each request's bytes and connection), TLS with a throwaway openssl CA, a CONNECT proxy, a
/// listener that never answers and a port that refuses.
@Suite(.requiresPrograms(.python3, .openssl), .timeLimit(.minutes(1)))
struct HTTPUploadClientTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory(prefix: "netwarden-upload") }

    private func request(_ url: String, body: [UInt8] = Array("batch".utf8)) -> UploadRequest {
        UploadRequest(url: url, body: body, contentType: "application/x-protobuf", contentEncoding: "snappy")
    }

    private func response(
        _ result: Result<UploadResponse, UploadError>,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> UploadResponse {
        switch result {
        case .success(let response): return response
        case .failure(let error):
            Issue.record("expected a response, got \(error)", sourceLocation: sourceLocation)
            throw error
        }
    }

    private func failure(
        _ result: Result<UploadResponse, UploadError>,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> UploadError {
        switch result {
        case .success(let response):
            Issue.record("expected a failure, got HTTP \(response.status)", sourceLocation: sourceLocation)
            throw UploadError(code: .internal, message: "unexpected success")
        case .failure(let error): return error
        }
    }

    /// A lab CA, a server certificate for 127.0.0.1 and a client certificate, all in `directory`.
    private func certificates() async throws -> (
        authority: LabCertificateAuthority, server: LabCertificateAuthority.Issued,
        client: LabCertificateAuthority.Issued
    ) {
        let authority = try await LabCertificateAuthority.create(in: directory.path)
        let server = try await authority.issueServerCertificate(dnsNames: [], ipAddresses: ["127.0.0.1"])
        let client = try await authority.issueClientCertificate(commonName: "gateway.school.example")
        return (authority, server, client)
    }

    // MARK: bytes on the wire

    @Test func bodyAndHeadersArriveIntact() async throws {
        var generator = SeededGenerator(seed: 7)
        let body = (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try await UploadTestServer.with(.http, directory: directory.path) { server in
            let client = try HTTPUploadClient(
                settings: .init(headers: [HTTPHeaderField("X-Scope-OrgID", "trust-42")])
            )
            var upload = request(server.baseURL + "/echo", body: body)
            upload.headers = [HTTPHeaderField("X-Prometheus-Remote-Write-Version", "0.1.0")]
            let answer = try response(await client.post(upload))

            let received = try #require(try await server.requests(atLeast: 1).first)
            #expect(received.method == "POST")
            #expect(received.path == "/echo")
            #expect(received.body == body)
            #expect(received.header("Content-Type") == "application/x-protobuf")
            #expect(received.header("Content-Encoding") == "snappy")
            #expect(received.header("X-Scope-OrgID") == "trust-42")
            #expect(received.header("X-Prometheus-Remote-Write-Version") == "0.1.0")
            #expect(received.header("Expect") == nil)
            #expect(received.header("User-Agent")?.hasPrefix("netwarden/") == true)

            #expect(answer.status == 200)
            #expect(answer.bytesSent == Int64(body.count))
            #expect(answer.bodyBytes == Int64(body.count))
            #expect(answer.bodyPrefix == Array(body.prefix(4096)))
            #expect(answer.headers.value(named: "content-type") == "application/octet-stream")
        }
    }

    @Test func emptyBodyIsAZeroLengthPost() async throws {
        try await UploadTestServer.with(.http, directory: directory.path) { server in
            let client = try HTTPUploadClient(settings: .init())
            let answer = try response(await client.post(request(server.baseURL + "/", body: [])))
            #expect(answer.status == 204)
            let received = try #require(try await server.requests(atLeast: 1).first)
            #expect(received.body.isEmpty)
            #expect(received.header("Content-Length") == "0")
        }
    }

    @Test func postsReuseOneConnection() async throws {
        let (authority, certificate, _) = try await certificates()
        try await UploadTestServer.with(.https(certificate: certificate, clientCA: nil), directory: directory.path) {
            server in
            let client = try HTTPUploadClient(settings: .init(caFile: authority.certificatePath))
            var reused: [Bool] = []
            for _ in 0..<3 {
                reused.append(try response(await client.post(request(server.baseURL + "/"))).connectionReused)
            }
            let ports = try await server.requests(atLeast: 3).map(\.peerPort)
            #expect(ports.count == 3)
            #expect(Set(ports).count == 1, "client ports \(ports): one connection expected")
            #expect(reused == [false, true, true])
        }
    }

    @Test func concurrentPostsAreSerialisedOnOneConnection() async throws {
        try await UploadTestServer.with(.http, directory: directory.path) { server in
            let client = try HTTPUploadClient(settings: .init())
            let statuses = await withTaskGroup(of: Int.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        let result = await client.post(self.request(server.baseURL + "/", body: [UInt8(index)]))
                        return (try? result.get().status) ?? -1
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 204, count: 8))
            let requests = try await server.requests(atLeast: 8)
            #expect(Set(requests.map(\.peerPort)).count == 1)
            #expect(Set(requests.flatMap(\.body)) == Set(0..<8))
        }
    }

    // MARK: responses the uploader acts on

    @Test func errorStatusesRetryAfterAndRedirectsAreResponses() async throws {
        try await UploadTestServer.with(.http, directory: directory.path) { server in
            let client = try HTTPUploadClient(settings: .init())
            let tooLarge = try response(await client.post(request(server.baseURL + "/status/413")))
            #expect(tooLarge.status == 413 && !tooLarge.isSuccess)
            #expect(tooLarge.bodyPrefixText == "status 413 from the test server ")

            let serverError = try response(await client.post(request(server.baseURL + "/large-error")))
            #expect(serverError.status == 500)
            #expect(serverError.bodyPrefix.count == 4096)
            #expect(serverError.bodyBytes == 20000)

            let throttled = try response(await client.post(request(server.baseURL + "/retry-after/seconds")))
            #expect(throttled.status == 429)
            #expect(throttled.retryAfter == .seconds(7))

            let unavailable = try response(await client.post(request(server.baseURL + "/retry-after/date")))
            #expect(unavailable.status == 503)
            let delay = try #require(unavailable.retryAfter)
            #expect(delay > .seconds(100) && delay <= .seconds(121))

            let redirected = try response(await client.post(request(server.baseURL + "/redirect")))
            #expect(redirected.status == 307)
            #expect(redirected.headers.value(named: "Location") == "/elsewhere")
            let paths = try await server.requests(atLeast: 5).map(\.path)
            #expect(!paths.contains("/elsewhere"), "the redirect must not be followed: \(paths)")
        }
    }

    // MARK: TLS

    @Test func tlsIsVerifiedAgainstTheConfiguredCA() async throws {
        let (authority, certificate, _) = try await certificates()
        try await UploadTestServer.with(.https(certificate: certificate, clientCA: nil), directory: directory.path) {
            server in
            let untrusting = try HTTPUploadClient(settings: .init())
            let unknownCA = try failure(await untrusting.post(request(server.baseURL + "/")))
            #expect(unknownCA.code == .tls, "\(unknownCA)")

            let trusting = try HTTPUploadClient(settings: .init(caFile: authority.certificatePath))
            #expect(try response(await trusting.post(request(server.baseURL + "/"))).status == 204)
            // The certificate names 127.0.0.1 only: another name for the same server must fail.
            let wrongName = try failure(await trusting.post(request("https://localhost:\(server.port)/")))
            #expect(wrongName.code == .tls, "\(wrongName)")

            let skipping = try HTTPUploadClient(settings: .init(insecureSkipVerify: true))
            #expect(try response(await skipping.post(request("https://localhost:\(server.port)/"))).status == 204)
        }
    }

    @Test func mutualTLSNeedsTheClientCertificate() async throws {
        let (authority, certificate, clientCertificate) = try await certificates()
        let mode = UploadTestServer.Mode.https(certificate: certificate, clientCA: authority.certificatePath)
        try await UploadTestServer.with(mode, directory: directory.path) { server in
            let withCertificate = try HTTPUploadClient(
                settings: .init(
                    caFile: authority.certificatePath,
                    clientCertificateFile: clientCertificate.certificatePath,
                    clientKeyFile: clientCertificate.keyPath
                )
            )
            #expect(try response(await withCertificate.post(request(server.baseURL + "/"))).status == 204)

            let without = try HTTPUploadClient(settings: .init(caFile: authority.certificatePath))
            let refused = try failure(await without.post(request(server.baseURL + "/")))
            // Under TLS 1.3 the server's "certificate required" alert can lose the race with its
            // close, which curl then reports as a reset: either way the request is refused.
            #expect(refused.code == .tls || refused.code == .connection, "\(refused)")
            #expect(try await server.requests(atLeast: 1).count == 1)
        }
    }

    // MARK: credentials

    @Test func bearerTokenIsSentAndNeverShown() async throws {
        let token = "nw-token-3f9a1c0b7e"
        try await UploadTestServer.with(.http, directory: directory.path) { server in
            let settings = HTTPUploadSettings(bearerToken: Secret(token))
            let client = try HTTPUploadClient(settings: settings)
            #expect(try response(await client.post(request(server.baseURL + "/"))).status == 204)
            #expect(try await server.requests(atLeast: 1).first?.header("Authorization") == "Bearer " + token)

            let refused = try failure(
                await client.post(request("http://127.0.0.1:\(try SilentTCPListener.closedPort())/"))
            )
            let misconfigured = try failure(await client.post(request("ftp://127.0.0.1/")))
            for text in [
                String(describing: refused), String(reflecting: refused), String(describing: misconfigured),
                String(describing: settings), String(reflecting: settings), String(describing: client),
            ] {
                #expect(!text.contains(token), "token leaked into: \(text)")
            }
        }
    }

    @Test func basicAuthIsSent() async throws {
        try await UploadTestServer.with(.http, directory: directory.path) { server in
            let client = try HTTPUploadClient(
                settings: .init(basicAuth: .init(user: "school-17", password: Secret("pa55word-xyz")))
            )
            #expect(try response(await client.post(request(server.baseURL + "/"))).status == 204)
            let expected = "Basic " + Data("school-17:pa55word-xyz".utf8).base64EncodedString()
            #expect(try await server.requests(atLeast: 1).first?.header("Authorization") == expected)
        }
    }

    // MARK: failures the retry logic sorts

    @Test func refusedConnectionIsAConnectionFailure() async throws {
        let client = try HTTPUploadClient(settings: .init())
        let port = try SilentTCPListener.closedPort()
        let error = try failure(await client.post(request("http://127.0.0.1:\(port)/")))
        #expect(error.code == .connection, "\(error)")
        #expect(error.message.contains("POST http://127.0.0.1:\(port)/"), "\(error)")
    }

    @Test func silentServerTimesOut() async throws {
        let listener = try SilentTCPListener()
        let client = try HTTPUploadClient(settings: .init(timeout: .seconds(2)))
        let error = try failure(await client.post(request("http://127.0.0.1:\(listener.port)/")))
        #expect(error.code == .timeout, "\(error)")
    }

    @Test func stalledTransferHitsTheLowSpeedLimit() async throws {
        let listener = try SilentTCPListener()
        let client = try HTTPUploadClient(settings: .init(timeout: .seconds(50), lowSpeedPeriod: .seconds(1)))
        let error = try failure(await client.post(request("http://127.0.0.1:\(listener.port)/")))
        #expect(error.code == .timeout, "\(error)")
        #expect(error.message.contains("too slow"), "the low-speed limit, not the overall timeout: \(error)")
    }

    @Test func cancellingThePostingTaskAbortsTheTransfer() async throws {
        let listener = try SilentTCPListener()
        let client = try HTTPUploadClient(settings: .init(timeout: .seconds(50)))
        let upload = request("http://127.0.0.1:\(listener.port)/")
        let task = Task { await client.post(upload) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        let error = try failure(await task.value)
        #expect(error.code == .cancelled, "\(error)")
    }

    @Test func badSettingsAreConfigurationErrors() async throws {
        let client = try HTTPUploadClient(settings: .init())
        let scheme = try failure(await client.post(request("file:///etc/passwd")))
        #expect(scheme.code == .configuration, "\(scheme)")
        let malformed = try failure(await client.post(request("http://[::1/")))
        #expect(malformed.code == .configuration, "\(malformed)")

        let missingCA = #expect(throws: UploadError.self) {
            try HTTPUploadClient(settings: .init(caFile: directory.path + "/missing.pem"))
        }
        #expect(missingCA?.code == .configuration)
        #expect(missingCA?.message.contains("ca_file") == true)

        let bothAuths = #expect(throws: UploadError.self) {
            try HTTPUploadClient(
                settings: .init(bearerToken: Secret("a"), basicAuth: .init(user: "u", password: Secret("p")))
            )
        }
        #expect(bothAuths?.code == .configuration)

        let splitting = #expect(throws: UploadError.self) {
            try HTTPUploadClient(settings: .init(headers: [HTTPHeaderField("X-Key", "s3cret-value\r\nX-Evil: 1")]))
        }
        #expect(splitting?.code == .configuration)
        #expect(splitting.map { !String(describing: $0).contains("s3cret-value") } == true)
    }

    // MARK: proxy

    @Test func configuredProxyCarriesTheTunnel() async throws {
        let (authority, certificate, _) = try await certificates()
        try await UploadTestServer.with(.https(certificate: certificate, clientCA: nil), directory: directory.path) {
            server in
            try await UploadTestServer.with(.proxy, directory: directory.path) { proxy in
                let client = try HTTPUploadClient(
                    settings: .init(caFile: authority.certificatePath, proxy: "http://127.0.0.1:\(proxy.port)")
                )
                for _ in 0..<2 {
                    #expect(try response(await client.post(request(server.baseURL + "/"))).status == 204)
                }
                #expect(try await server.requests(atLeast: 2).count == 2)
                #expect(proxy.proxyTargets() == ["127.0.0.1:\(server.port)"], "one tunnel, reused")
            }
        }
    }

    @Test func plainHTTPGoesToTheProxyInAbsoluteForm() async throws {
        // The test server answers absolute-form requests itself, as a forward proxy would; the
        // target name is never resolved, so nothing leaves the machine.
        try await UploadTestServer.with(.http, directory: directory.path) { proxy in
            let client = try HTTPUploadClient(settings: .init(proxy: "http://127.0.0.1:\(proxy.port)"))
            let answer = try response(await client.post(request("http://collector.trust.invalid/api/v1/push")))
            #expect(answer.status == 204)
            let received = try #require(try await proxy.requests(atLeast: 1).first)
            #expect(received.path == "http://collector.trust.invalid/api/v1/push")
            #expect(received.body == Array("batch".utf8))
        }
    }
}
