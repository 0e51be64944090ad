import Foundation
import NetwardenCore
import Testing

/// What a technician sees from `netwarden check-config`: exact `FILE:LINE: key: message` lines.
@Suite struct NetwardenConfigTests {
    static let fileName = "netwarden.toml"

    /// The shipped, commented default next to this package's sources.
    static let shippedFile: String = {
        let testFile = #filePath  // .../Tests/NetwardenCoreTests/NetwardenConfigTests.swift
        var parts = testFile.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        let path = parts.joined(separator: "/") + "/etc/netwarden/netwarden.toml"
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }()

    private func errors(_ text: String) -> [String] {
        switch NetwardenConfig.parse(bytes: Array(text.utf8), fileName: Self.fileName) {
        case .success: return []
        case .failure(let errors): return errors.lines
        }
    }

    private func decoded(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> NetwardenConfig? {
        switch NetwardenConfig.parse(bytes: Array(text.utf8), fileName: Self.fileName) {
        case .success(let config): return config
        case .failure(let errors):
            Issue.record("unexpected errors:\n\(errors)", sourceLocation: sourceLocation)
            return nil
        }
    }

    private let minimal = "[identity]\ntrust = \"t\"\nsite = \"s\"\n"

    /// The line number of the first line of the shipped file containing `needle`.
    private func shippedLine(containing needle: String) -> Int {
        (Self.shippedFile.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(needle) }
            ?? -1) + 1
    }

    @Test func shippedFileIsValidAndMatchesTheDefaults() throws {
        #expect(Self.shippedFile.contains("[identity]"), "etc/netwarden/netwarden.toml not found")
        let config = try #require(decoded(Self.shippedFile))
        var expected = NetwardenConfig.embeddedDefault
        expected.identity = IdentitySection(trust: "example-trust", site: "example-primary", gateway: "")
        #expect(config == expected)
    }

    @Test func embeddedDefault() {
        let config = NetwardenConfig.embeddedDefault
        #expect(config.identity == IdentitySection(trust: "default-trust", site: "default-site", gateway: ""))
        #expect(config.interfaces.uplink == .automatic)
        #expect(config.interfaces.lan == [])
        #expect(config.daemon.stateDirectory == "/var/lib/netwarden")
        #expect(config.daemon.logLevel == .info)
        #expect(config.daemon.statusInterval == .seconds(30))
        #expect(config.link.enabled)
        #expect(config.link.interval == .seconds(15))
    }

    @Test func minimalFileTakesDefaults() throws {
        let config = try #require(decoded(minimal))
        #expect(config.identity == IdentitySection(trust: "t", site: "s"))
        #expect(config.daemon == .defaults)
        #expect(config.link == .defaults)
    }

    @Test func everySettingIsRead() throws {
        let config = try #require(
            decoded(
                """
                [identity]
                trust = "north-trust"
                site = "st-marys_2"
                gateway = "gw1.st-marys"
                [interfaces]
                uplink = ["eth0", "wwan0"]
                lan = ["eth1", "wlan0"]
                [daemon]
                state_directory = "/srv/netwarden"
                log_level = "debug"
                status_interval_seconds = 2.5
                [link]
                enabled = false
                interval_seconds = 60
                """
            )
        )
        #expect(config.identity == IdentitySection(trust: "north-trust", site: "st-marys_2", gateway: "gw1.st-marys"))
        #expect(
            config.interfaces == InterfacesSection(uplink: .interfaces(["eth0", "wwan0"]), lan: ["eth1", "wlan0"])
        )
        #expect(
            config.daemon
                == DaemonSection(
                    stateDirectory: "/srv/netwarden",
                    logLevel: .debug,
                    statusInterval: .milliseconds(2500)
                )
        )
        #expect(config.link == LinkSection(enabled: false, interval: .seconds(60)))
    }

    @Test func misspeltKeyInShippedFileNamesItsLineAndSuggestsTheKey() {
        let text = Self.shippedFile.replacingFirst("log_level = ", with: "log_levle = ")
        let line = shippedLine(containing: "log_level = ")
        #expect(errors(text) == ["netwarden.toml:\(line): daemon.log_levle: unknown key; did you mean `log_level`?"])
    }

    @Test func unknownKeyWithNothingCloseListsTheKeys() {
        #expect(
            errors(minimal + "[link]\ncolour = 1\n") == [
                "netwarden.toml:5: link.colour: unknown key; expected one of: enabled, interval_seconds"
            ]
        )
    }

    @Test func everyErrorInTheFileIsReportedWithItsLine() {
        let text = """
            [identity]
            trust = 42
            site = "my school"

            [daemon]
            log_level = "verbose"
            status_interval_seconds = 0
            state_directory = "var/lib/netwarden"

            [link]
            enabled = "yes"
            interval_seconds = "15"
            """
        #expect(
            errors(text) == [
                "netwarden.toml:2: identity.trust: expected a string, found an integer",
                "netwarden.toml:3: identity.site: `my school` contains a space; expected 1 to 63 characters of A-Z a-z 0-9 . _ - (it becomes a metric label value and a file name)",
                "netwarden.toml:6: daemon.log_level: `verbose` is not allowed; expected one of: trace, debug, info, notice, warning, error, critical",
                "netwarden.toml:7: daemon.status_interval_seconds: 0 seconds is out of range; expected 1 to 3600 seconds",
                "netwarden.toml:8: daemon.state_directory: `var/lib/netwarden` is a relative path; expected an absolute path such as /var/lib/netwarden",
                "netwarden.toml:11: link.enabled: expected a boolean (true or false), found a string",
                "netwarden.toml:12: link.interval_seconds: expected a number of seconds, found a string",
            ]
        )
    }

    @Test func enumTypoGetsASuggestion() {
        #expect(
            errors(minimal + "[daemon]\nlog_level = \"warn\"\n") == [
                "netwarden.toml:5: daemon.log_level: `warn` is not allowed; expected one of: trace, debug, info, notice, warning, error, critical (did you mean `warning`?)"
            ]
        )
        #expect(
            errors(minimal + "[daemon]\nlog_level = \"debg\"\n").first?.hasSuffix("(did you mean `debug`?)") == true
        )
        #expect(
            errors(minimal + "[link]\nenabled = \"true\"\n") == [
                "netwarden.toml:5: link.enabled: expected a boolean, found a string; write true without quotes"
            ]
        )
    }

    @Test func outOfRange() {
        #expect(
            errors(minimal + "[link]\ninterval_seconds = 86400\n") == [
                "netwarden.toml:5: link.interval_seconds: 86400 seconds is out of range; expected 1 to 3600 seconds"
            ]
        )
        #expect(errors(minimal + "[link]\ninterval_seconds = nan\n").count == 1)
    }

    @Test func identityValues() {
        let long = String(repeating: "a", count: 64)
        #expect(
            errors("[identity]\ntrust = \"\"\nsite = \"\(long)\"\ngateway = \"..\"\n") == [
                "netwarden.toml:2: identity.trust: must not be empty; expected 1 to 63 characters of A-Z a-z 0-9 . _ - (it becomes a metric label value and a file name)",
                "netwarden.toml:3: identity.site: is 64 characters long; expected 1 to 63 characters of A-Z a-z 0-9 . _ - (it becomes a metric label value and a file name)",
                "netwarden.toml:4: identity.gateway: `..` is not allowed; expected 1 to 63 characters of A-Z a-z 0-9 . _ - (it becomes a metric label value and a file name)",
            ]
        )
        #expect(
            errors("[identity]\nsite = \"s\"\n") == [
                "netwarden.toml:1: identity.trust: missing; expected a line like trust = \"example-trust\""
            ]
        )
    }

    @Test func interfaces() {
        #expect(decoded(minimal + "[interfaces]\nuplink = \"auto\"\n")?.interfaces.uplink == .automatic)
        #expect(
            errors(minimal + "[interfaces]\nuplink = \"eth0\"\n") == [
                "netwarden.toml:5: interfaces.uplink: `eth0` is not allowed; expected \"auto\" or an array of interface names like [\"eth0\"] (write [\"eth0\"] for one interface)"
            ]
        )
        #expect(
            errors(minimal + "[interfaces]\nuplink = [\"eth0\", \"a-very-long-name0\"]\n") == [
                "netwarden.toml:5: interfaces.uplink: entry 2: `a-very-long-name0` is 17 bytes long; expected an interface name of 1 to 15 characters without `/`, `:` or spaces (like eth0 or enp3s0)"
            ]
        )
        #expect(errors(minimal + "[interfaces]\nlan = [\"eth 1\"]\n").first?.contains("contains a space") == true)
        #expect(errors(minimal + "[interfaces]\nlan = [\"../x\"]\n").first?.contains("contains `/`") == true)
        #expect(errors(minimal + "[interfaces]\nuplink = []\n").first?.contains("the list is empty") == true)
        #expect(
            errors(minimal + "[interfaces]\nuplink = [\"eth0\"]\nlan = [\"eth0\"]\n") == [
                "netwarden.toml:6: interfaces.lan: `eth0` is also listed in uplink; expected each interface in only one of uplink and lan"
            ]
        )
        #expect(
            errors(minimal + "[interfaces]\nlan = \"eth1\"\n") == [
                "netwarden.toml:5: interfaces.lan: expected an array of strings, found a string"
            ]
        )
    }

    @Test func duplicateKeyAndSection() {
        #expect(
            errors(minimal + "site = \"again\"\n") == [
                "netwarden.toml:4: identity.site: duplicate key; it was already set at line 3"
            ]
        )
        #expect(
            errors(minimal + "[link]\n[link]\n") == [
                "netwarden.toml:5: link: table [link] is defined twice; it was already defined by a header at line 4"
            ]
        )
    }

    @Test func unknownSections() {
        #expect(
            errors(minimal + "[deamon]\nlog_level = \"info\"\n") == [
                "netwarden.toml:4: deamon: unknown section [deamon]; did you mean [daemon]?"
            ]
        )
        #expect(
            errors(minimal + "[wifi]\n") == [
                "netwarden.toml:4: wifi: unknown section [wifi]; expected one of: [identity], [interfaces], [daemon], [link], [probes], [capture], [filter], [filter_tests], [metrics], [spool], [outputs], [alerts]"
            ]
        )
        #expect(
            errors("log_level = \"info\"\n" + minimal) == [
                "netwarden.toml:1: log_level: a setting outside any section; expected it below a section header such as [identity]"
            ]
        )
        #expect(
            errors(minimal + "link = 5\n") == [
                "netwarden.toml:4: identity.link: unknown key; expected one of: trust, site, gateway"
            ]
        )
        #expect(
            errors("link = 5\n" + minimal) == [
                "netwarden.toml:1: link: expected a table ([link] or { ... }), found an integer"
            ]
        )
    }

    @Test func emptyAndMissingIdentity() {
        let empty =
            "netwarden.toml:1: (file): the file is empty (or only comments); expected at least an [identity] section with trust and site"
        #expect(errors("") == [empty])
        #expect(errors("  \n\n# only a comment\n\t\n") == [empty])
        #expect(
            errors("[daemon]\nlog_level = \"info\"\n") == [
                "netwarden.toml:1: (file): the [identity] section is missing; expected [identity] with trust = \"...\" and site = \"...\" (names for the trust and this school)"
            ]
        )
    }

    @Test func syntaxErrorsAndSchemaErrorsTogether() {
        let text = """
            [identity]
            trust = example-trust
            site = "ok"
            [daemon]
            log_level = "loud"
            """
        #expect(
            errors(text) == [
                "netwarden.toml:2: identity.trust: `example-trust` is not a value; strings need quotes (\"example-trust\"), booleans are true or false",
                "netwarden.toml:5: daemon.log_level: `loud` is not allowed; expected one of: trace, debug, info, notice, warning, error, critical",
            ]
        )
    }

    @Test func garbageBytes() {
        let result = NetwardenConfig.parse(
            bytes: [0xFF, 0xFE, 0x00, 0x41, 0x0A, 0x42],
            fileName: "/etc/netwarden/netwarden.toml"
        )
        guard case .failure(let errors) = result else {
            Issue.record("garbage accepted")
            return
        }
        #expect(
            errors.lines == [
                "/etc/netwarden/netwarden.toml:1: (syntax): byte 0xFF is not valid UTF-8; the file must be UTF-8 text (was it saved in another encoding, or is it not a config file?)"
            ]
        )
    }

    @Test func deeplyNestedArrayIsBounded() {
        let text = minimal + "[link]\nenabled = " + String(repeating: "[", count: 5000) + "\n"
        #expect(
            errors(text) == [
                "netwarden.toml:5: link.enabled: nested more than 64 levels deep; expected a flatter value"
            ]
        )
    }

    @Test func diagnosticsKeepColumnAndCode() {
        guard
            case .failure(let errors) = NetwardenConfig.parse(
                bytes: Array((minimal + "[link]\n  enabled = 1\n").utf8),
                fileName: "f"
            )
        else {
            Issue.record("accepted")
            return
        }
        #expect(errors.diagnostics.first?.code == .wrongType)
        #expect(errors.diagnostics.first?.column == 13)
        #expect(errors.diagnostics.first?.key == "link.enabled")
    }

    @Test func secretNeverPrints() {
        let token = Secret("s3cr3t-token")
        #expect(token.description == "<redacted>")
        #expect(token.debugDescription == "<redacted>")
        #expect("\(token)" == "<redacted>")
        #expect(String(reflecting: token) == "<redacted>")
        var dumped = ""
        dump(token, to: &dumped)
        #expect(!dumped.contains("s3cr3t"))
        #expect(token.revealed == "s3cr3t-token")
        #expect(Secret("a") == Secret("a"))
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
