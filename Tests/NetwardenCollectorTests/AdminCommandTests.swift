import Foundation
import NetwardenCollectorCore
import NetwardenTestSupport
import Testing

/// `agent` and `user` subcommands: only the secret on stdout, stored hashed, lists and removal.
@Suite(.timeLimit(.minutes(2)), .enabled(if: collectorBuilt, "netwarden-collector is not built"))
struct AdminCommandTests {
    @Test func agentAndUserSecretsArePrintedOnceAndStoredHashed() async throws {
        let collector = try CollectorUnderTest()
        let token = try await collector.addAgent("oak-gw1")
        #expect(token.hasPrefix("nwa_") && token.count == 68 && !token.contains("\n"))
        let password = try await collector.addUser("central-it")
        #expect(password.count == 20)
        // Neither secret is in the database file in clear; the token's SHA-256 is.
        let file = try Data(contentsOf: URL(fileURLWithPath: collector.databasePath))
        #expect(file.range(of: Data(token.utf8)) == nil && file.range(of: Data(password.utf8)) == nil)
        #expect(
            try collector.count(
                "SELECT COUNT(*) FROM agents WHERE token_hash = '\(Secrets.tokenHash(token))'"
            ) == 1
        )
        #expect(try collector.count("SELECT iterations FROM users") == PasswordHasher.defaultIterations)

        let again = try await Command([
            CollectorUnderTest.binaryPath, "agent", "add", "oak-gw1", "--config", collector.configPath,
        ])
        .run(check: false)
        #expect(again.termination == .exited(1) && again.standardErrorText.contains("already exists"))
        #expect(again.standardOutputText.isEmpty)
        #expect(try await collector.admin("user", "list").standardOutputText == "central-it\n")
        try await collector.admin("user", "remove", "central-it")
        #expect(try await collector.admin("user", "list").standardOutputText.isEmpty)
        let missing = try await Command([
            CollectorUnderTest.binaryPath, "agent", "revoke", "nobody", "--config", collector.configPath,
        ])
        .run(check: false)
        #expect(missing.termination == .exited(1) && missing.standardErrorText.contains("no agent named 'nobody'"))
    }

    @Test func passwordHashIsSaltedAndVerifies() throws {
        let hasher = PasswordHasher(iterations: 1000)
        let first = try hasher.hash("correct horse", salt: [1, 2, 3])
        #expect(first.count == 32)
        #expect(try hasher.hash("correct horse", salt: [1, 2, 4]) != first)
        #expect(PasswordHasher.verify("correct horse", hash: first, salt: [1, 2, 3], iterations: 1000))
        #expect(!PasswordHasher.verify("correct hors", hash: first, salt: [1, 2, 3], iterations: 1000))
    }

    @Test func rateLimiterRefillsAtItsRate() {
        let limiter = RateLimiter(burst: 2, perSecond: 0.5)
        #expect(limiter.admit(1, now: 0) == nil)
        #expect(limiter.admit(1, now: 0) == nil)
        #expect(limiter.admit(1, now: 0) == 2)
        #expect(limiter.admit(2, now: 0) == nil, "buckets are per agent")
        #expect(limiter.admit(1, now: 1) == 1)
        #expect(limiter.admit(1, now: 2.1) == nil)
    }
}
