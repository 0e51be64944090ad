import Foundation
import NetwardenCore
import NetwardenDaemon
import Testing

/// `ConfigFile.load`: each way a file cannot be read is one clear `FILE: ...` line.
@Suite struct ConfigFileTests {
    /// A fresh directory per test, removed afterwards.
    private static func withDirectory(_ body: (String) throws -> Void) rethrows {
        let directory = NSTemporaryDirectory() + "netwarden-config-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try body(directory)
    }

    private func lines(_ path: String) -> [String] {
        switch ConfigFile.load(path: path) {
        case .success: return []
        case .failure(let errors): return errors.lines
        }
    }

    @Test func validFileLoads() throws {
        try Self.withDirectory { directory in
            let path = directory + "/netwarden.toml"
            try "[identity]\ntrust = \"t\"\nsite = \"s\"\n".write(toFile: path, atomically: true, encoding: .utf8)
            let config = try ConfigFile.load(path: path).get()
            #expect(config.identity.site == "s")
        }
    }

    @Test func errorsInTheFileNameThePath() throws {
        try Self.withDirectory { directory in
            let path = directory + "/netwarden.toml"
            try "[identity]\ntrust = \"t\"\nsite = \"s\"\n[link]\nenabled = 1\n".write(
                toFile: path,
                atomically: true,
                encoding: .utf8
            )
            #expect(lines(path) == ["\(path):5: link.enabled: expected a boolean (true or false), found an integer"])
        }
    }

    @Test func missingFile() {
        Self.withDirectory { directory in
            #expect(lines(directory + "/absent.toml") == ["\(directory)/absent.toml: no such file"])
            #expect(lines(directory + "/absent/netwarden.toml") == ["\(directory)/absent/netwarden.toml: no such file"])
        }
    }

    @Test func directory() {
        Self.withDirectory { directory in
            #expect(lines(directory) == ["\(directory): is a directory, expected a config file"])
        }
    }

    @Test func oversizeFile() throws {
        try Self.withDirectory { directory in
            let path = directory + "/huge.toml"
            try Data(repeating: UInt8(ascii: "#"), count: ConfigFile.maximumSize + 1).write(
                to: URL(fileURLWithPath: path)
            )
            #expect(
                lines(path) == [
                    "\(path): is 1048577 bytes, larger than the 1024 KiB limit for a config file; expected a netwarden.toml"
                ]
            )
        }
    }

    @Test func emptyFile() {
        Self.withDirectory { directory in
            let path = directory + "/empty.toml"
            #expect(FileManager.default.createFile(atPath: path, contents: Data()))
            #expect(
                lines(path) == [
                    "\(path):1: (file): the file is empty (or only comments); expected at least an [identity] section with trust and site"
                ]
            )
        }
    }

    /// Root reads any file whatever its mode, so there is nothing to test when running as root
    /// (as the lab machines do); the test skips then.
    @Test(.enabled(if: geteuid() != 0, "running as root: root can read a file whatever its permissions"))
    func unreadableFile() throws {
        try Self.withDirectory { directory in
            let path = directory + "/secret.toml"
            try "[identity]\n".write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o000)
            defer { chmod(path, 0o600) }
            #expect(
                lines(path) == [
                    "\(path): permission denied; netwarden must be able to read it (check its owner and mode)"
                ]
            )
        }
    }
}
