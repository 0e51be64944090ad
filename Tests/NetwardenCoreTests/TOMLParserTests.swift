import NetwardenCore
import Testing

/// TOML 1.0 conformance for the features netwarden.toml may use, and where values sit.
@Suite struct TOMLParserTests {
    private func parse(_ text: String) -> TOMLDocument { TOMLParser.parse(Array(text.utf8)) }

    /// The root of a document that must parse without errors.
    private func valid(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> TOMLTable {
        let document = parse(text)
        #expect(document.errors.isEmpty, "\(document.errors)", sourceLocation: sourceLocation)
        return document.root
    }

    /// The first error's `line: key: message`.
    private func firstError(_ text: String) -> String? { parse(text).errors.first?.description }

    private func value(_ text: String, _ path: String...) -> TOMLValue.Kind? {
        var table = valid(text)
        for key in path.dropLast() {
            guard case .table(let child)? = table[key]?.value.kind else { return nil }
            table = child
        }
        return table[path.last!]?.value.kind
    }

    /// Found by `TOMLDifferentialTests`: a table that exists only as the parent of a header
    /// (`x.b` below) may be defined by dotted keys later, as tomllib allows; it is then defined,
    /// so a header for it is a second definition.
    @Test func dottedKeysMayDefineATableMadeOnlyAsAHeadersParent() {
        #expect(value("[[x.b.x]]\n[x]\nb.n = 0\n", "x", "b", "n") == .integer(0))
        #expect(value("[a.b.c]\nz = 9\n[a]\nb.d = 1\n", "a", "b", "d") == .integer(1))
        #expect(firstError("[a.b.c]\n[a]\nb.d = 1\n[a.b]\n")?.hasPrefix("4: a.b: table [a.b] is defined twice") == true)
        // A table a header defined stays closed to dotted keys.
        #expect(firstError("[a.b.c]\n[a]\nb.c.t = 1\n")?.hasPrefix("3: a.b.c: the table was already defined") == true)
    }

    @Test func keepsLineAndColumnOfKeysAndValues() {
        let root = valid("# comment\n\n[daemon]\n  log_level = \"info\"\n")
        guard case .table(let daemon)? = root["daemon"]?.value.kind else {
            Issue.record("no daemon table")
            return
        }
        #expect(root["daemon"]?.value.location == TOMLLocation(line: 3, column: 1))
        #expect(daemon["log_level"]?.keyLocation == TOMLLocation(line: 4, column: 3))
        #expect(daemon["log_level"]?.value.location == TOMLLocation(line: 4, column: 15))
    }

    @Test func columnsCountCharactersNotBytes() {
        let root = valid("\"é\" = \"ü\"")
        #expect(root["é"]?.value.location == TOMLLocation(line: 1, column: 7))
        #expect(parse("a = \"ü\" x").errors.first?.location == TOMLLocation(line: 1, column: 9))
        // Only ASCII letters are bare-key characters.
        #expect(firstError("é = 1")?.contains("found `é`") == true)
    }

    @Test func bareQuotedAndDottedKeys() {
        let root = valid(
            """
            bare_key-1 = 1
            "quoted key" = 2
            'literal.key' = 3
            site.name . first = "x"
            site."name".second = "y"
            1234 = 4
            """
        )
        #expect(root["bare_key-1"]?.value.kind == .integer(1))
        #expect(root["quoted key"]?.value.kind == .integer(2))
        #expect(root["literal.key"]?.value.kind == .integer(3))
        #expect(root["1234"]?.value.kind == .integer(4))
        guard case .table(let site)? = root["site"]?.value.kind, case .table(let name)? = site["name"]?.value.kind
        else {
            Issue.record("dotted keys did not make tables")
            return
        }
        #expect(name["first"]?.value.kind == .string("x"))
        #expect(name["second"]?.value.kind == .string("y"))
    }

    @Test func basicStringEscapes() {
        #expect(
            value(#"s = "tab\there \"q\" back\\slash \u00e9 \U0001F600 \b\f\n\r""#, "s")
                == .string("tab\there \"q\" back\\slash é 😀 \u{08}\u{0C}\n\r")
        )
        #expect(firstError(#"s = "bad \q escape""#)?.contains("cannot follow `\\`") == true)
        #expect(firstError(#"s = "\uD800""#)?.contains("not a Unicode scalar value") == true)
        #expect(firstError(#"s = "\u12""#)?.contains("4 hexadecimal digits") == true)
    }

    @Test func literalStrings() {
        #expect(value(#"p = 'C:\Users\nobody'"#, "p") == .string(#"C:\Users\nobody"#))
        #expect(value("p = ''", "p") == .string(""))
    }

    @Test func multilineBasicStrings() {
        #expect(value("s = \"\"\"\nline one\nline two\"\"\"", "s") == .string("line one\nline two"))
        // A backslash at a line end joins lines and eats the next line's indentation.
        #expect(value("s = \"\"\"\\\n   joined \\\n   up\"\"\"", "s") == .string("joined up"))
        // Up to two quotes may sit right before the closing three.
        #expect(value("s = \"\"\"say \"\"hi\"\"\"\"\"", "s") == .string("say \"\"hi\"\""))
        // CRLF line ends give the same text as LF.
        #expect(value("s = \"\"\"\r\na\r\nb\"\"\"", "s") == .string("a\nb"))
        #expect(firstError("s = \"\"\"never closed\n\nx = 1")?.contains("not closed; expected `\"\"\"`") == true)
    }

    @Test func multilineLiteralStrings() {
        #expect(value("s = '''\nraw \\n text\n'''", "s") == .string("raw \\n text\n"))
        #expect(value("s = ''''quoted'''' ", "s") == .string("'quoted'"))
    }

    @Test func stringErrorsNameWhatWasExpected() {
        #expect(
            firstError("site = \"example\n")
                == "1: (syntax): the string that starts at column 8 is not closed on its line; expected a closing `\"` (use \"\"\" for text over several lines)"
        )
        #expect(
            firstError("s = \"a\u{01}b\"")
                == "1: (syntax): control character U+0001 is not allowed in a string; write it as an escape such as \\u0001"
        )
    }

    @Test func integers() {
        let root = valid(
            """
            a = 42
            b = +17
            c = -0
            d = 1_000_000
            e = 0xDEAD_beef
            f = 0o755
            g = 0b1101
            h = 9223372036854775807
            i = -9223372036854775808
            """
        )
        let expected: [(String, Int64)] = [
            ("a", 42), ("b", 17), ("c", 0), ("d", 1_000_000), ("e", 0xDEAD_BEEF), ("f", 0o755), ("g", 0b1101),
            ("h", .max), ("i", .min),
        ]
        for (key, number) in expected { #expect(root[key]?.value.kind == .integer(number), "\(key)") }
    }

    @Test(arguments: ["01", "1__0", "_1", "1_", "+0x1", "0xG", "9223372036854775808", "0b2", "1.", ".5", "1e", "1._5"])
    func invalidNumbers(_ word: String) {
        let errors = parse("n = \(word)").errors
        #expect(errors.count == 1, "\(word)")
        #expect(errors.first?.location.line == 1)
    }

    @Test func floats() {
        let root = valid(
            """
            a = 3.1415
            b = -0.01
            c = 5e+22
            d = 1E06
            e = -2e-2
            f = 6.626e-34
            g = 224_617.445_991
            h = inf
            i = -inf
            j = nan
            k = +nan
            """
        )
        #expect(root["a"]?.value.kind == .float(3.1415))
        #expect(root["b"]?.value.kind == .float(-0.01))
        #expect(root["c"]?.value.kind == .float(5e22))
        #expect(root["d"]?.value.kind == .float(1e6))
        #expect(root["e"]?.value.kind == .float(-0.02))
        #expect(root["f"]?.value.kind == .float(6.626e-34))
        #expect(root["g"]?.value.kind == .float(224_617.445_991))
        #expect(root["h"]?.value.kind == .float(.infinity))
        #expect(root["i"]?.value.kind == .float(-.infinity))
        guard case .float(let nan)? = root["j"]?.value.kind, case .float(let nan2)? = root["k"]?.value.kind else {
            Issue.record("nan did not parse")
            return
        }
        #expect(nan.isNaN && nan2.isNaN)
    }

    @Test func booleansAndBareWords() {
        #expect(value("a = true", "a") == .boolean(true))
        #expect(value("a = false", "a") == .boolean(false))
        #expect(
            firstError("site = example")
                == "1: site: `example` is not a value; strings need quotes (\"example\"), booleans are true or false"
        )
        #expect(firstError("a = True")?.contains("strings need quotes") == true)
    }

    @Test func dateTimesAreRejectedClearly() {
        for text in ["d = 1979-05-27T07:32:00Z", "d = 1979-05-27", "d = 07:32:00", "d = 1979-05-27 07:32:00"] {
            #expect(firstError(text)?.contains("date-times are not supported here") == true, "\(text)")
        }
    }

    @Test func arrays() {
        #expect(value("a = []", "a") == .array([]))
        let root = valid(
            """
            a = [
              "eth0",  # the main line
              # a comment line inside
              "eth1",
            ]
            b = [1, [2, 3], { x = 1 }]
            """
        )
        guard case .array(let items)? = root["a"]?.value.kind else {
            Issue.record("not an array")
            return
        }
        #expect(items.map(\.kind) == [.string("eth0"), .string("eth1")])
        #expect(items.map(\.location.line) == [2, 4])
        guard case .array(let mixed)? = root["b"]?.value.kind else {
            Issue.record("not an array")
            return
        }
        #expect(mixed.count == 3)
        #expect(
            firstError("a = [1 2]")
                == "1: a: expected `,` or `]` after an element of the array opened at line 1, found `2`"
        )
        #expect(firstError("a = [1,,2]")?.contains("expected a value in the array before `,`") == true)
        #expect(firstError("a = [1,\n") == "2: a: the array opened at line 1 is not closed; expected `]`")
    }

    @Test func inlineTables() {
        let root = valid(#"point = { x = 1, y.z = "two", "q k" = { deep = true } }"#)
        guard case .table(let point)? = root["point"]?.value.kind, case .table(let y)? = point["y"]?.value.kind else {
            Issue.record("not a table")
            return
        }
        #expect(point["x"]?.value.kind == .integer(1))
        #expect(y["z"]?.value.kind == .string("two"))
        #expect(value("e = {}", "e") == .table(TOMLTable()))
        #expect(firstError("t = { a = 1, }")?.contains("trailing comma is not allowed") == true)
        #expect(firstError("t = { a = 1\n}")?.contains("must fit on one line") == true)
        // Inline tables are complete: later lines cannot add to them.
        #expect(parse("t = { a = 1 }\nt.b = 2").errors.first?.code == .redefinition)
        #expect(parse("t = { a = 1, a = 2 }").errors.first?.code == .duplicateKey)
    }

    @Test func tablesAndArraysOfTables() {
        let root = valid(
            """
            [probes.http]
            timeout = 5

            [[probes.dns]]
            server = "a"
            [probes.dns.options]
            tcp = true

            [[probes.dns]]
            server = "b"
            """
        )
        guard case .table(let probes)? = root["probes"]?.value.kind,
            case .array(let dns)? = probes["dns"]?.value.kind, dns.count == 2,
            case .table(let first) = dns[0].kind, case .table(let second) = dns[1].kind
        else {
            Issue.record("bad shape: \(root)")
            return
        }
        #expect(first["server"]?.value.kind == .string("a"))
        #expect(first["options"] != nil)
        #expect(second["server"]?.value.kind == .string("b"))
        #expect(dns.map(\.location.line) == [4, 9])
    }

    @Test func implicitTablesMayBeDefinedOnceLater() {
        _ = valid("[a.b.c]\nx = 1\n[a]\ny = 2")
        // ...and sub-tables may be added under a table made by dotted keys.
        _ = valid("[fruit]\napple.color = \"red\"\n[fruit.apple.texture]\nsmooth = true")
    }

    @Test func redefinitionsAreErrors() {
        #expect(
            firstError("[daemon]\na = 1\n[daemon]\nb = 2")
                == "3: daemon: table [daemon] is defined twice; it was already defined by a header at line 1"
        )
        #expect(
            firstError("[link]\nenabled = true\nenabled = false")
                == "3: link.enabled: duplicate key; it was already set at line 2"
        )
        #expect(parse("a = 1\n[a]").errors.first?.code == .redefinition)
        #expect(parse("[fruit]\napple.color = \"red\"\n[fruit.apple]").errors.first?.code == .redefinition)
        #expect(parse("[[a]]\n[a]").errors.first?.code == .redefinition)
        #expect(parse("[a]\n[[a]]").errors.first?.code == .redefinition)
        #expect(parse("a = []\n[[a]]").errors.first?.code == .redefinition)
        #expect(parse("[a.b.c]\nz = 9\n[a]\nb.c.t = 1").errors.first?.code == .redefinition)
    }

    @Test func lineSyntax() {
        #expect(firstError("a = 1 b = 2") == "1: (syntax): expected the end of the line after the value, found `b`")
        #expect(firstError("a") == "1: a: expected `=` and a value after the key")
        #expect(firstError("my key = 1")?.contains("keys with spaces need \"quotes\"") == true)
        #expect(
            firstError("a =")
                == "1: a: expected a value after `=` (a \"string\", number, true/false, [array] or {table})"
        )
        #expect(firstError("[daemon") == "1: daemon: expected `]` to close the table header, found the end of the file")
        #expect(firstError("= 1")?.hasPrefix("1: (syntax): expected a key") == true)
        #expect(firstError("# bell \u{07}")?.contains("control character U+0007 is not allowed in a comment") == true)
        _ = valid("a = 1 # comment\r\nb = 2\r\n")
        _ = valid("\u{FEFF}a = 1")  // a BOM from a Windows editor is ignored
    }

    @Test func recoversAtTheNextLineAndReportsEveryError() {
        let document = parse(
            """
            [identity]
            trust = example
            site = "ok"
            gateway = "unterminated
            [daemon]
            log_level = "info" extra
            """
        )
        #expect(document.errors.map(\.location.line) == [2, 4, 6])
        // The failed keys stay in the tree marked invalid, so the schema does not call them missing.
        guard case .table(let identity)? = document.root["identity"]?.value.kind else {
            Issue.record("identity lost")
            return
        }
        #expect(identity["trust"]?.value.kind == .invalid)
        #expect(identity["site"]?.value.kind == .string("ok"))
    }

    @Test func brokenArrayDoesNotEatTheNextSetting() {
        let document = parse("uplink = [\"eth0\",\n\"eth1\"\nlan = []\n")
        #expect(document.errors.count == 1)
        #expect(document.errors.first?.location.line == 3)
        #expect(document.root["lan"]?.value.kind == .array([]))
    }

    @Test func nestingIsBounded() {
        let deep = "a = " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let errors = parse(deep).errors
        #expect(errors.count == 1)
        #expect(errors.first?.code == .tooDeep)
        #expect(errors.first?.description.contains("nested more than 64 levels deep") == true)
        _ = valid("a = " + String(repeating: "[", count: 60) + String(repeating: "]", count: 60))
        let inline = "a = " + String(repeating: "{b=", count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        #expect(parse(inline).errors.first?.code == .tooDeep)
        let longKey = Array(repeating: "k", count: 10_000).joined(separator: ".") + " = 1"
        #expect(parse(longKey).errors.first?.code == .tooDeep)
        let longHeader = "[" + Array(repeating: "k", count: 10_000).joined(separator: ".") + "]"
        #expect(parse(longHeader).errors.first?.code == .tooDeep)
    }

    @Test func garbageBytesGiveOneError() {
        let document = TOMLParser.parse([0x61, 0x20, 0x3D, 0x20, 0x31, 0x0A, 0xFF, 0xFE, 0x00, 0x41])
        #expect(
            document.errors.map(\.description) == [
                "2: (syntax): byte 0xFF is not valid UTF-8; the file must be UTF-8 text (was it saved in another encoding, or is it not a config file?)"
            ]
        )
        #expect(TOMLParser.parse([0x61, 0x00]).errors.first?.code == .binaryContent)
        // Overlong encodings and surrogates are invalid UTF-8 too.
        #expect(TOMLParser.parse([0x22, 0xC0, 0xAF, 0x22]).errors.first?.code == .invalidUTF8)
        #expect(TOMLParser.parse([0x22, 0xED, 0xA0, 0x80, 0x22]).errors.first?.code == .invalidUTF8)
    }

    @Test func errorCountIsCapped() {
        let text = String(repeating: "x = ?\n", count: 100)
        let errors = parse(text).errors
        #expect(errors.count == TOMLParser.maximumErrors + 1)
        #expect(errors.last?.code == .tooManyErrors)
    }
}
