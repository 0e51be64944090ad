import Foundation
import NetwardenCore
import NetwardenDaemon
import Testing

/// `check-config` reports, with file and line, what the daemon would refuse on this machine: a
/// state directory it cannot use, files it must read and cannot, an address it cannot listen on.
/// These run against the real file system (`ConfigMachine.current`).
struct ConfigMachineRefusalTests {
    static func findings(_ body: String) throws -> [String] {
        let text = "[identity]\ntrust = \"t\"\nsite = \"s\"\n" + body
        let bytes = Array(text.utf8)
        let config = try NetwardenConfig.parse(bytes: bytes, fileName: "n.toml").get()
        return ConfigMachineCheck.check(
            config,
            document: TOMLParser.parse(bytes).root,
            file: "n.toml",
            machine: .current
        ).map(\.description).filter {
            // The package's own lists are there or not depending on whether this machine has the
            // package installed; ListFilesMachineCheckTests covers them on an injected machine.
            !$0.contains(ShippedFiles.directory)
        }
    }

    @Test(arguments: ["/proc", "/proc/netwarden", "/sys/netwarden", "/", "/var/.."])
    func aStateDirectoryTheDaemonCannotUseIsAnError(directory: String) throws {
        let lines = try Self.findings("[daemon]\nstate_directory = \"\(directory)\"\n")
        #expect(lines.count == 1, "\(lines)")
        #expect(lines.first?.hasPrefix("n.toml:5: daemon.state_directory: error: `\(directory)`") == true, "\(lines)")
    }

    @Test func aStateDirectoryThatIsAFileIsAnError() throws {
        let lines = try Self.findings("[daemon]\nstate_directory = \"/etc/hostname\"\n")
        #expect(lines == ["n.toml:5: daemon.state_directory: error: `/etc/hostname` exists and is not a directory"])
    }

    @Test func aNewStateDirectoryUnderAWritableParentIsFine() throws {
        let directory = NSTemporaryDirectory() + "nw-state-\(UUID().uuidString)/a/b"
        #expect(try Self.findings("[daemon]\nstate_directory = \"\(directory)\"\n").isEmpty)
    }

    @Test func missingAndUnreadableFilesOfProbesAndOutputsAreErrorsWithTheirLines() throws {
        let directory = NSTemporaryDirectory() + "nw-files-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "token\n".write(toFile: directory + "/good.token", atomically: true, encoding: .utf8)
        let lines = try Self.findings(
            """
            [[probes.http]]
            name = "vle"
            url = "https://vle.example/"
            ca_file = "\(directory)/missing-ca.pem"

            [[outputs.remote_write]]
            name = "vm"
            url = "https://vm.example/api/v1/write"
            bearer_token_file = "\(directory)/good.token"
            ca_file = "\(directory)"

            [[outputs.collector]]
            name = "c"
            url = "https://collector.example"
            token_file = "\(directory)/none.token"
            client_certificate_file = "\(directory)/good.token"
            client_key_file = "\(directory)/none.key"
            """
        )
        #expect(
            lines == [
                "n.toml:7: probes.http.ca_file: error: `\(directory)/missing-ca.pem`: No such file or directory",
                "n.toml:13: outputs.remote_write.ca_file: error: `\(directory)` is not a regular file",
                "n.toml:18: outputs.collector.token_file: error: `\(directory)/none.token`: No such file or directory",
                "n.toml:20: outputs.collector.client_key_file: error: `\(directory)/none.key`: No such file or directory",
            ]
        )
    }

    @Test func aCredentialSystemdProvidesIsAWarning() throws {
        let lines = try Self.findings(
            """
            [[outputs.loki]]
            name = "l"
            url = "https://loki.example/loki/api/v1/push"
            bearer_token_file = "/run/credentials/netwarden.service/nw-test-\(UUID().uuidString)"
            """
        )
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("n.toml:7: outputs.loki.bearer_token_file: warning:") == true, "\(lines)")
    }

    @Test func aListenAddressNoInterfaceHasIsAnError() throws {
        // 192.0.2.0/24 is TEST-NET-1: no machine has it.
        let lines = try Self.findings("[metrics]\nlisten = \"192.0.2.77:9813\"\n")
        #expect(
            lines == [
                "n.toml:5: metrics.listen: error: no interface on this machine has the address 192.0.2.77; the daemon could not listen on it"
            ]
        )
        #expect(try Self.findings("[metrics]\nlisten = \"127.0.0.1:9813\"\n").isEmpty)
        #expect(try Self.findings("[metrics]\nlisten = \"[::]:9813\"\n").isEmpty)
    }
}
