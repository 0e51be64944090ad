/// A TOML 1.0 parser that remembers the line and column of every key and value.
///
/// Written for netwarden's hand-edited config rather than taken from a library because the
/// libraries available (TOMLKit) cannot say on which line a key sits, and every config error must
/// name its line. Beyond TOML 1.0 it:
/// - rejects date-times with a clear message (no netwarden setting is a date);
/// - bounds nesting at `maximumDepth` so hostile input cannot exhaust the stack;
/// - recovers at the next line after a syntax error, so one run reports up to `maximumErrors`.
///
/// Speed is not a goal (a config file is read once per reload); plain array indexing keeps it
/// obviously bounds-checked.
public enum TOMLParser {
    /// Deepest nesting of tables and arrays accepted (keys, headers, inline tables, arrays).
    public static let maximumDepth = 64
    /// After this many errors the parser stops: later ones are usually echoes of the first.
    public static let maximumErrors = 20

    /// Parses `bytes` (UTF-8 TOML). Never traps and always terminates, whatever the input.
    public static func parse(_ bytes: [UInt8]) -> TOMLDocument {
        var state = TOMLParserState(bytes: bytes)
        state.run()
        return TOMLDocument(root: state.root.freeze(), errors: state.errors)
    }
}

/// A key as written: its segments (`a."b c".d`) and where each segment starts.
struct TOMLKeyPath {
    var segments: [(name: String, location: TOMLLocation)]

    var names: [String] { segments.map(\.name) }
    var location: TOMLLocation { segments[0].location }

    /// The key spelled for a technician: bare segments as-is, others quoted.
    static func display(_ names: [String]) -> String {
        names.map { name in
            let bare = !name.isEmpty && name.utf8.allSatisfy(TOMLParserState.isBareKeyByte)
            return bare ? name : "\"\(name)\""
        }.joined(separator: ".")
    }
}

struct TOMLParserState {
    let bytes: [UInt8]
    var position = 0
    /// Offset of the first byte of each line, for turning offsets into line numbers.
    private var lineStarts: [Int] = [0]
    var errors: [TOMLParseError] = []
    let root = TOMLTableBuilder(origin: .root, location: TOMLLocation(line: 1, column: 1))
    /// The table `key = value` lines go into: the last header's table.
    var current: TOMLTableBuilder
    var currentPath: [String] = []

    init(bytes: [UInt8]) {
        self.bytes = bytes
        current = root
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            lineStarts.append(offset + 1)
        }
    }

    // MARK: positions and bytes

    var isAtEnd: Bool { position >= bytes.count }

    func byte(at offset: Int) -> UInt8? { offset >= 0 && offset < bytes.count ? bytes[offset] : nil }

    var peek: UInt8? { byte(at: position) }

    func location(of offset: Int) -> TOMLLocation {
        // Binary search: the last line start at or before offset.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        var column = 1
        var index = lineStarts[low]
        let end = min(offset, bytes.count)
        while index < end {
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return TOMLLocation(line: low + 1, column: column)
    }

    var here: TOMLLocation { location(of: position) }

    func lineStart(ofLine line: Int) -> Int { line - 1 < lineStarts.count ? lineStarts[line - 1] : bytes.count }

    /// The byte at `offset` described for an error message ("found ...").
    func describe(at offset: Int) -> String {
        guard let byte = byte(at: offset) else { return "the end of the file" }
        switch byte {
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"): return "the end of the line"
        case 0x20..<0x7F: return "`\(Character(Unicode.Scalar(byte)))`"
        case 0..<0x20, 0x7F: return "control character \(Self.hex(UInt32(byte)))"
        default:
            // Valid UTF-8 was checked up front; decode the scalar for the message.
            var end = offset + 1
            while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
            return "`\(String(decoding: bytes[offset..<end], as: UTF8.self))`"
        }
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    func error(
        _ code: TOMLParseError.Code,
        _ message: String,
        at offset: Int? = nil,
        key: [String]? = nil
    ) -> TOMLParseError {
        TOMLParseError(
            code,
            message,
            at: location(of: offset ?? position),
            key: key.map { TOMLKeyPath.display($0) }
        )
    }

    static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default: false
        }
    }

    /// Characters TOML never allows raw outside strings' escapes: C0 controls except tab, and DEL.
    static func isForbiddenControl(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != UInt8(ascii: "\t")) || byte == 0x7F
    }

    // MARK: driver

    mutating func run() {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }  // Windows editors add a BOM.
        if let bad = UTF8Validation.firstInvalidOffset(in: bytes) {
            let value = String(bytes[bad], radix: 16, uppercase: true)
            errors.append(
                error(
                    .invalidUTF8,
                    "byte 0x\(value) is not valid UTF-8; the file must be UTF-8 text (was it saved in another encoding, or is it not a config file?)",
                    at: bad
                )
            )
            return
        }
        if let nul = bytes.firstIndex(of: 0) {
            errors.append(
                error(.binaryContent, "the file contains a NUL byte; it looks binary, expected TOML text", at: nul)
            )
            return
        }
        while true {
            do throws(TOMLParseError) {
                try skipBlankLines()
            } catch {
                record(error)
                if errors.count >= TOMLParser.maximumErrors { return }
                resync(statementStart: position, failure: error)
                continue
            }
            if isAtEnd { return }
            let start = position
            do throws(TOMLParseError) {
                if peek == UInt8(ascii: "[") {
                    try parseHeader()
                } else {
                    try parseKeyValueLine()
                }
                try expectEndOfLine()
            } catch {
                record(error)
                if errors.count >= TOMLParser.maximumErrors {
                    if position < bytes.count {
                        errors.append(
                            self.error(
                                .tooManyErrors,
                                "stopped after \(TOMLParser.maximumErrors) errors; fix these and check again"
                            )
                        )
                    }
                    return
                }
                resync(statementStart: start, failure: error)
            }
        }
    }

    private mutating func record(_ error: TOMLParseError) { errors.append(error) }

    /// Moves to a line where parsing can sensibly restart after an error.
    ///
    /// If the error sits on the first token of a later line (an unclosed array running into the
    /// next `key = value`), that line is retried; otherwise parsing resumes on the next line.
    /// Lines that cannot start a statement (`"eth1",` or `]` left over from a broken array) are
    /// skipped so one mistake does not produce a page of echoes.
    private mutating func resync(statementStart: Int, failure: TOMLParseError) {
        let statementLine = location(of: statementStart).line
        let errorLineStart = lineStart(ofLine: failure.location.line)
        var firstToken = errorLineStart
        while let byte = byte(at: firstToken), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
            firstToken += 1
        }
        var next: Int
        if failure.location.line > statementLine && location(of: firstToken) == failure.location {
            next = errorLineStart
        } else {
            next = lineStart(ofLine: location(of: max(position, statementStart)).line + 1)
        }
        next = max(next, statementStart + 1)
        // Skip lines that cannot begin a statement.
        while next < bytes.count {
            var token = next
            while let byte = byte(at: token), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { token += 1 }
            guard let byte = byte(at: token) else { break }
            if Self.isBareKeyByte(byte) || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "#")
                || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
            {
                break
            }
            next = lineStart(ofLine: location(of: next).line + 1)
        }
        // `current` stays as it was: a bad value does not change which table later lines
        // belong to (a bad header has already switched to a detached table).
        position = min(next, bytes.count)
    }

    // MARK: whitespace, comments, line ends

    mutating func skipSpaces() {
        while let byte = peek, byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { position += 1 }
    }

    /// Skips a `# comment` up to (not including) the line end, rejecting control characters in it.
    mutating func skipComment() throws(TOMLParseError) {
        guard peek == UInt8(ascii: "#") else { return }
        while let byte = peek, byte != UInt8(ascii: "\n") {
            if byte == UInt8(ascii: "\r") && self.byte(at: position + 1) == UInt8(ascii: "\n") { return }
            if Self.isForbiddenControl(byte) {
                throw error(
                    .controlCharacter,
                    "control character \(Self.hex(UInt32(byte))) is not allowed in a comment"
                )
            }
            position += 1
        }
    }

    /// Consumes one line end (`\n` or `\r\n`); false if there is none here.
    mutating func consumeNewline() -> Bool {
        if peek == UInt8(ascii: "\n") {
            position += 1
            return true
        }
        if peek == UInt8(ascii: "\r") && byte(at: position + 1) == UInt8(ascii: "\n") {
            position += 2
            return true
        }
        return false
    }

    /// Skips blank lines, spaces and comments between statements (and inside arrays).
    mutating func skipBlankLines() throws(TOMLParseError) {
        while true {
            skipSpaces()
            try skipComment()
            if !consumeNewline() { return }
        }
    }

    mutating func expectEndOfLine() throws(TOMLParseError) {
        skipSpaces()
        try skipComment()
        if isAtEnd || consumeNewline() { return }
        throw error(.syntax, "expected the end of the line after the value, found \(describe(at: position))")
    }

    // MARK: keys

    mutating func parseKey() throws(TOMLParseError) -> TOMLKeyPath {
        var segments: [(name: String, location: TOMLLocation)] = []
        while true {
            skipSpaces()
            let start = position
            let name: String
            switch peek {
            case UInt8(ascii: "\""):
                if byte(at: position + 1) == UInt8(ascii: "\"") && byte(at: position + 2) == UInt8(ascii: "\"") {
                    throw error(.syntax, "a key cannot be a multi-line string; expected a bare or \"quoted\" key")
                }
                name = try parseBasicString()
            case UInt8(ascii: "'"):
                if byte(at: position + 1) == UInt8(ascii: "'") && byte(at: position + 2) == UInt8(ascii: "'") {
                    throw error(.syntax, "a key cannot be a multi-line string; expected a bare or 'quoted' key")
                }
                name = try parseLiteralString()
            case let byte? where Self.isBareKeyByte(byte):
                while let byte = peek, Self.isBareKeyByte(byte) { position += 1 }
                name = String(decoding: bytes[start..<position], as: UTF8.self)
            default:
                let what = segments.isEmpty ? "a key" : "a key after `.`"
                throw error(
                    .syntax,
                    "expected \(what) (letters, digits, `_` and `-`, or a \"quoted\" key), found \(describe(at: position))",
                    key: segments.isEmpty ? nil : segments.map(\.name)
                )
            }
            segments.append((name, location(of: start)))
            if segments.count > TOMLParser.maximumDepth {
                throw error(
                    .tooDeep,
                    "the key has more than \(TOMLParser.maximumDepth) parts; expected a shorter key",
                    at: start
                )
            }
            skipSpaces()
            guard peek == UInt8(ascii: ".") else { return TOMLKeyPath(segments: segments) }
            position += 1
        }
    }

    // MARK: statements

    private mutating func parseKeyValueLine() throws(TOMLParseError) {
        let key = try parseKey()
        let fullPath = currentPath + key.names
        try expectEquals(after: key, fullPath: fullPath)
        let depth = currentPath.count + key.segments.count
        let value: TOMLValue
        do throws(TOMLParseError) {
            value = try parseValue(depth: depth, key: fullPath)
        } catch {
            // Keep the key, marked invalid: the schema must not also call it missing.
            try? insert(TOMLValue(.invalid, at: key.location), at: key, into: current, tablePath: currentPath)
            throw error
        }
        try insert(value, at: key, into: current, tablePath: currentPath)
    }

    mutating func expectEquals(after key: TOMLKeyPath, fullPath: [String]) throws(TOMLParseError) {
        skipSpaces()
        guard peek == UInt8(ascii: "=") else {
            if peek == nil || peek == UInt8(ascii: "\n") || peek == UInt8(ascii: "\r") || peek == UInt8(ascii: "#") {
                throw error(.syntax, "expected `=` and a value after the key", key: fullPath)
            }
            throw error(
                .syntax,
                "expected `=` after the key, found \(describe(at: position)) (keys with spaces need \"quotes\")",
                key: fullPath
            )
        }
        position += 1
        skipSpaces()
    }

    /// Puts `value` at the dotted `key` below `table`, creating the dotted tables in between.
    mutating func insert(
        _ value: TOMLValue,
        at key: TOMLKeyPath,
        into table: TOMLTableBuilder,
        tablePath: [String]
    ) throws(TOMLParseError) {
        var target = table
        var path = tablePath
        for segment in key.segments.dropLast() {
            path.append(segment.name)
            if let (existing, keyLocation) = target.items[segment.name] {
                switch existing {
                case .table(let child) where child.origin == .dotted:
                    target = child
                case .table(let child) where child.origin == .implicit:
                    // Made only as the parent of a header (`[a.b.c]`, then `b.d = 1` under `[a]`):
                    // never defined, so dotted keys may define it now, and from then on it
                    // counts as defined by them (a later `[a.b]` is a second definition). TOML
                    // 1.0 leaves this open; tomllib accepts it, and so do we.
                    child.origin = .dotted
                    child.location = segment.location
                    target = child
                case .table(let child):
                    throw TOMLParseError(
                        .redefinition,
                        "the table was already defined at line \(child.location.line); add keys to it under its [header] instead of with a dotted key",
                        at: segment.location,
                        key: TOMLKeyPath.display(path)
                    )
                case .tableArray:
                    throw TOMLParseError(
                        .redefinition,
                        "this is an array of tables ([[...]]) defined at line \(keyLocation.line); a dotted key cannot add to it",
                        at: segment.location,
                        key: TOMLKeyPath.display(path)
                    )
                case .value(let old):
                    throw TOMLParseError(
                        .redefinition,
                        "this key already holds \(old.typeDescription) (line \(old.location.line)); it cannot also be a table",
                        at: segment.location,
                        key: TOMLKeyPath.display(path)
                    )
                }
            } else {
                let child = TOMLTableBuilder(origin: .dotted, location: segment.location)
                target.set(segment.name, .table(child), keyLocation: segment.location)
                target = child
            }
        }
        let last = key.segments[key.segments.count - 1]
        path.append(last.name)
        if let (_, keyLocation) = target.items[last.name] {
            throw TOMLParseError(
                .duplicateKey,
                "duplicate key; it was already set at line \(keyLocation.line)",
                at: last.location,
                key: TOMLKeyPath.display(path)
            )
        }
        target.set(last.name, .value(value), keyLocation: last.location)
    }

    /// `[table]` or `[[array.of.tables]]`: finds or creates the table later lines go into.
    private mutating func parseHeader() throws(TOMLParseError) {
        let headerStart = position
        let isArray = byte(at: position + 1) == UInt8(ascii: "[")
        position += isArray ? 2 : 1
        // Until the header is known good, later key lines go nowhere rather than into the
        // previous table, which would add misleading "unknown key" errors there.
        current = TOMLTableBuilder(origin: .header, location: location(of: headerStart))
        currentPath = []
        let key = try parseKey()
        currentPath = key.names
        skipSpaces()
        let closing: [UInt8] = isArray ? [UInt8(ascii: "]"), UInt8(ascii: "]")] : [UInt8(ascii: "]")]
        guard bytes[position...].starts(with: closing) else {
            let expected = isArray ? "`]]`" : "`]`"
            throw error(
                .syntax,
                "expected \(expected) to close the table header, found \(describe(at: position))",
                key: key.names
            )
        }
        position += closing.count
        let headerLocation = location(of: headerStart)

        var target = root
        var path: [String] = []
        for segment in key.segments.dropLast() {
            path.append(segment.name)
            if let (existing, _) = target.items[segment.name] {
                switch existing {
                case .table(let child):
                    target = child
                case .tableArray(let elements):
                    // `[a.b]` after `[[a]]` belongs to the latest `[[a]]` element.
                    target = elements[elements.count - 1]
                case .value(let old):
                    throw TOMLParseError(
                        .redefinition,
                        "this key already holds \(old.typeDescription) (line \(old.location.line)); it cannot also be a table",
                        at: segment.location,
                        key: TOMLKeyPath.display(path)
                    )
                }
            } else {
                let child = TOMLTableBuilder(origin: .implicit, location: headerLocation)
                target.set(segment.name, .table(child), keyLocation: segment.location)
                target = child
            }
        }
        let last = key.segments[key.segments.count - 1]
        path.append(last.name)
        let display = TOMLKeyPath.display(path)
        let existing = target.items[last.name]
        if isArray {
            let element = TOMLTableBuilder(origin: .header, location: headerLocation)
            switch existing?.item {
            case nil:
                target.set(last.name, .tableArray([element]), keyLocation: last.location)
            case .tableArray(let elements)?:
                target.set(last.name, .tableArray(elements + [element]), keyLocation: existing!.keyLocation)
            case .table(let table)?:
                throw TOMLParseError(
                    .redefinition,
                    "[\(display)] is already a table (line \(table.location.line)); it cannot also be an array of tables",
                    at: headerLocation,
                    key: display
                )
            case .value(let old)?:
                throw TOMLParseError(
                    .redefinition,
                    "this key already holds \(old.typeDescription) (line \(old.location.line)); [[\(display)]] cannot add to it",
                    at: headerLocation,
                    key: display
                )
            }
            current = element
        } else {
            switch existing?.item {
            case nil:
                let table = TOMLTableBuilder(origin: .header, location: headerLocation)
                target.set(last.name, .table(table), keyLocation: last.location)
                current = table
            case .table(let table)? where table.origin == .implicit:
                // Defined implicitly by an earlier `[a.b.c]`; defining it now is allowed once.
                table.origin = .header
                table.location = headerLocation
                current = table
            case .table(let table)?:
                let how = table.origin == .dotted ? "by dotted keys" : "by a header"
                throw TOMLParseError(
                    .redefinition,
                    "table [\(display)] is defined twice; it was already defined \(how) at line \(table.location.line)",
                    at: headerLocation,
                    key: display
                )
            case .tableArray?:
                throw TOMLParseError(
                    .redefinition,
                    "[\(display)] is an array of tables (line \(existing!.keyLocation.line)); write [[\(display)]] to add an element",
                    at: headerLocation,
                    key: display
                )
            case .value(let old)?:
                throw TOMLParseError(
                    .redefinition,
                    "this key already holds \(old.typeDescription) (line \(old.location.line)); it cannot also be a table",
                    at: headerLocation,
                    key: display
                )
            }
        }
    }
}
