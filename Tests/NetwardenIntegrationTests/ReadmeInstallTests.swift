import Foundation
import NetwardenCore
import NetwardenTestSupport
import Testing

/// The README's "Install as a service" steps, run into a scratch root: they must install every
/// file the default configuration reads, or the installed daemon warns at every start.
@Suite(.timeLimit(.minutes(1))) struct ReadmeInstallTests {
    static let repository: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/NetwardenIntegrationTests/<file>
        return url
    }()

    /// The `install` lines of the README's install block that copy files into /etc/netwarden.
    static func installLines() throws -> [String] {
        let readme = try String(contentsOf: repository.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "## Install as a service").dropFirst().first)
        let block = try #require(section.components(separatedBy: "```").dropFirst().first)
        return block.split(separator: "\n").map(String.init).filter {
            $0.hasPrefix("install ") && $0.contains("/etc/netwarden")
        }
    }

    @Test(.timeLimit(.minutes(1))) func theInstallStepsInstallEveryListTheDefaultConfigurationReads() async throws {
        let root = NSTemporaryDirectory() + "nw-readme-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        // The same commands, with /etc/ moved under the scratch root.
        let script = try Self.installLines().map { $0.replacingOccurrences(of: " /etc/", with: " \(root)/etc/") }
        let install = try await Command(
            ["/bin/sh", "-ec", script.joined(separator: "\n")],
            workingDirectory: Self.repository.path
        ).run(check: false)
        #expect(install.succeeded, "\(script)\n\(install.standardErrorText)")

        let defaults = FilterSection.defaults
        let lists = defaults.dohLists + defaults.dohResolverLists + defaults.torRelayLists
        #expect(!lists.isEmpty)
        for list in lists {
            #expect(FileManager.default.fileExists(atPath: root + list), "the README does not install \(list)")
        }
    }
}
