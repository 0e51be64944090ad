import Foundation
import NetwardenTestSupport
import Testing

/// The Debian packages, proved the way a technician meets them: `scripts/test-packages` builds
/// them from a release build (lintian must be clean), installs both into a fresh debootstrapped
/// Debian 12 root and checks files, modes, owners, check-config, man pages, completion, the
/// units (verify and security), enable-but-not-start, an upgrade that keeps an edited conffile
/// and try-restarts, and a purge that leaves the root as it was.
///
/// The release build of both executables is most of its time, so CI runs it only when asked
/// (`NETWARDEN_PACKAGE_TEST=1`, as `scripts/test --packages` sets); see the README.
@Suite(.timeLimit(.minutes(30)))
struct DebianPackageTests {
    static let repository: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/NetwardenIntegrationTests/<file>
        return url
    }()

    static let skipReason: String? = {
        guard ProcessInfo.processInfo.environment["NETWARDEN_PACKAGE_TEST"] == "1" else {
            return "the package test builds release binaries; run it with scripts/test --packages"
        }
        guard getuid() == 0 else { return "needs root (debootstrap and chroot)" }
        for program in ["/usr/sbin/debootstrap", "/usr/bin/dpkg-deb", "/usr/bin/dpkg-shlibdeps", "/usr/bin/lintian"]
        where !FileManager.default.isExecutableFile(atPath: program) {
            return "needs \(program) (scripts/install-deps test installs it)"
        }
        return nil
    }()

    @Test(.enabled(if: skipReason == nil, Comment(rawValue: skipReason ?? "")))
    func packagesInstallUpgradeAndPurgeCleanlyInAFreshDebianRoot() async throws {
        // The root and the packages live here; removed even if the script is killed on timeout
        // (its /proc mounts are in mount namespaces that die with it).
        let work = try TemporaryDirectory(prefix: "netwarden-packages")
        let script = Self.repository.appendingPathComponent("scripts/test-packages").path
        let output = try await Command([script, "--work", work.path], timeout: .seconds(28 * 60)).run(check: false)
        let log = output.standardErrorText
        #expect(output.succeeded, "scripts/test-packages failed:\n\(log)")
        #expect(!log.contains("FAIL:"), "\(log)")
    }
}
