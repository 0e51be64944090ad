import NetwardenCore
import Testing

/// Values echoed in config errors are made one safe line: control characters escaped (a newline
/// must not split the `FILE:LINE: key: message` form, an escape sequence must not reach the
/// terminal) and huge values cut.
struct ConfigMessageSafetyTests {
    static func errors(_ body: String) -> [String] {
        let result = NetwardenConfig.parse(bytes: Array(body.utf8), fileName: "n.toml")
        if case .failure(let errors) = result { return errors.lines }
        return []
    }

    @Test func aHugeNumberIsCutInTheMessage() {
        let digits = String(repeating: "7", count: 100_000)
        let lines = Self.errors(
            "[identity]\ntrust = \"t\"\nsite = \"s\"\n[daemon]\nstatus_interval_seconds = \(digits)\n"
        )
        #expect(lines.count == 1)
        let line = lines.first ?? ""
        #expect(line.hasPrefix("n.toml:5: "), "\(line.prefix(200))")
        #expect(line.count < 400, "\(line.prefix(200))")
        #expect(line.contains("more characters"))
    }

    @Test func controlCharactersInValuesAreEscapedAndTheLineStaysWhole() {
        let lines = Self.errors("[identity]\ntrust = \"t\"\nsite = \"north\\nschool\\u001b[31m\"\n")
        #expect(lines.count == 1)
        let line = lines.first ?? ""
        #expect(line.hasPrefix("n.toml:3: identity.site: "), "\(line)")
        #expect(!line.contains("\n") && !line.contains("\u{1b}"), "\(line)")
        #expect(line.contains(#"north\nschool\u{1B}[31m"#), "\(line)")
    }

    @Test func displayTextEscapesAndCuts() {
        #expect(DisplayText.escaped("a\tb\u{7f}\u{202e}c") == #"a\tb\u{7F}\u{202E}c"#)
        #expect(DisplayText.escaped(String(repeating: "x", count: 70), limit: 64).hasSuffix("… (6 more characters)"))
        let cut = DisplayText.oneLine("v " + String(repeating: "9", count: 200) + " end")
        #expect(cut == "v " + String(repeating: "9", count: 96) + "… (104 more characters) end")
    }
}
