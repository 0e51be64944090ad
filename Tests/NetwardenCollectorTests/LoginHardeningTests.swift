import Foundation
import NetwardenCollectorCore
import NetwardenTestSupport
import Testing

/// Sign-in hardening against the real binary: failed passwords lock the user (and, in larger
/// numbers, the client address) with a 429 that says how long, a correct password after the lock
/// works, sign-out invalidates the cookie, and the whole thing works over TLS with verification.
@Suite(.timeLimit(.minutes(3)), .enabled(if: collectorBuilt, "netwarden-collector is not built"))
struct LoginHardeningTests {
    @Test func failedSignInsLockTheUserUntilTheLockPasses() async throws {
        let collector = try CollectorUnderTest(server: "login_max_failures = 3\nlogin_lockout_seconds = 4")
        try await collector.start()
        let password = try await collector.addUser("central-it")
        let session = WebSession(collector)

        #expect(try await session.signIn("central-it", "wrong-1").status == 401)
        #expect(try await session.signIn("central-it", "wrong-2").status == 401)
        let locked = try await session.signIn("central-it", "wrong-3")
        #expect(locked.status == 429)
        #expect(locked.headers["retry-after"] == "4")
        #expect(locked.body.contains("Too many failed sign-ins for this user. Try again in 4 s."))
        // While locked even the right password is refused, unchecked.
        let refused = try await session.signIn("central-it", password)
        #expect(refused.status == 429)
        #expect(refused.headers["set-cookie"]?.contains("nw_session") != true)
        // HTTP Basic counts against the same lock.
        let basic = try await collector.request("GET", "/api/v1/sites", extra: ["-u", "central-it:\(password)"])
        #expect(basic.status == 401)

        // Once the lock has passed the right password works. Polled rather than slept: a refused
        // attempt does not count as a failure, and a slow machine must not make this flaky.
        var signedIn = try await session.signIn("central-it", password)
        for _ in 0..<40 where signedIn.status == 429 {
            try await Task.sleep(for: .milliseconds(250))
            signedIn = try await session.signIn("central-it", password)
        }
        #expect(signedIn.status == 303)
        #expect(signedIn.headers["location"] == "/")
        #expect(try await session.get("/").status == 200)
        #expect(
            try await collector.request("GET", "/api/v1/sites", extra: ["-u", "central-it:\(password)"]).status == 200
        )
    }

    @Test func manyNamesFromOneAddressLockTheAddress() async throws {
        // Per address the limit is four times the per-user one: 2 x 4 = 8 failures.
        let collector = try CollectorUnderTest(server: "login_max_failures = 2\nlogin_lockout_seconds = 30")
        try await collector.start()
        let password = try await collector.addUser("central-it")
        let session = WebSession(collector)
        var statuses: [Int] = []
        for index in 0..<8 { statuses.append(try await session.signIn("guess-\(index)", "password").status) }
        #expect(statuses == Array(repeating: 401, count: 7) + [429], "\(statuses)")
        let reply = try await session.signIn("central-it", password)
        #expect(reply.status == 429)
        #expect(reply.body.contains("Too many failed sign-ins for this address."))
        #expect(Int(reply.headers["retry-after"] ?? "") ?? 0 > 20)
    }

    @Test func signingOutInvalidatesTheCookie() async throws {
        let collector = try CollectorUnderTest()
        try await collector.start()
        let password = try await collector.addUser("central-it")
        let session = WebSession(collector)
        #expect(try await session.signIn("central-it", password).status == 303)
        let overview = try await session.get("/")
        #expect(overview.status == 200)
        let cookie = try #require(
            try String(contentsOfFile: session.jar, encoding: .utf8).split(separator: "\n").first {
                $0.contains("nw_session")
            }?.split(separator: "\t").last.map(String.init)
        )
        let csrf = try #require(WebSession.hiddenValue("csrf", in: overview.body))
        let out = try await collector.request(
            "POST",
            "/logout",
            body: Array("csrf=\(csrf)".utf8),
            headers: ["Content-Type": "application/x-www-form-urlencoded"],
            extra: session.cookies
        )
        #expect(out.status == 303)
        #expect(out.headers["location"] == "/login")
        // The old cookie value, sent by hand as a copied cookie would be, no longer signs anyone in.
        let page = try await collector.request("GET", "/", headers: ["Cookie": "nw_session=\(cookie)"])
        #expect(page.status == 303)
        #expect(page.headers["location"] == "/login")
        let api = try await collector.request("GET", "/api/v1/sites", headers: ["Cookie": "nw_session=\(cookie)"])
        #expect(api.status == 401)
        #expect(try collector.count("SELECT COUNT(*) FROM sessions") == 0)
    }

    @Test func ingestAndSignInOverVerifiedTLS() async throws {
        let pki = try TemporaryDirectory(prefix: "nw-collector-tls")
        let authority = try await LabCertificateAuthority.create(in: pki.path)
        let issued = try await authority.issueServerCertificate(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
        let collector = try CollectorUnderTest(
            server: "tls_certificate = \"\(issued.certificatePath)\"\ntls_key = \"\(issued.keyPath)\""
        )
        collector.curlOptions = ["--cacert", authority.certificatePath]
        try await collector.start()
        let token = try await collector.addAgent("oak-gw1")
        let password = try await collector.addUser("central-it")

        let stored = try await collector.ingest(
            TestBatch.oak(batch: 1, sampleIDs: ["t-1"], eventIDs: ["t-e1"]),
            token: token
        )
        #expect(stored.status == 200, "\(stored.body)")
        #expect(try collector.count("SELECT COUNT(*) FROM sample_records") == 1)

        let session = WebSession(collector)
        let signedIn = try await session.signIn("central-it", password)
        #expect(signedIn.status == 303)
        // Over TLS the session cookie is Secure.
        #expect(signedIn.headers["set-cookie"]?.contains("; Secure") == true)
        let page = try await session.get("/")
        #expect(page.status == 200)
        #expect(page.body.contains("oak-primary"))

        // Verification is real: without the lab CA curl refuses the certificate.
        collector.curlOptions = []
        let unverified = try await collector.request("GET", "/healthz")
        #expect(unverified.status == 0)
    }
}
