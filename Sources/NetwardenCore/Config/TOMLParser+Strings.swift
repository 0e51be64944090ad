// The four TOML string forms. Bytes are copied as-is (UTF-8 was validated up front) and decoded
// once at the end; only escapes and line ends need rewriting.
extension TOMLParserState {
    /// `"..."`: one line, backslash escapes.
    mutating func parseBasicString() throws(TOMLParseError) -> String {
        let open = position
        position += 1
        var text: [UInt8] = []
        while true {
            guard let byte = peek, byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "\r") || !isCRLF else {
                throw error(
                    .unterminated,
                    "the string that starts at column \(location(of: open).column) is not closed on its line; expected a closing `\"` (use \"\"\" for text over several lines)"
                )
            }
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &text, multiline: false)
            default:
                try checkStringByte(byte)
                text.append(byte)
                position += 1
            }
        }
    }

    /// `"""..."""`: may span lines; a newline right after the opening quotes is dropped, and a
    /// backslash at a line end joins the next line (skipping its leading whitespace).
    mutating func parseMultilineBasicString() throws(TOMLParseError) -> String {
        let open = location(of: position)
        position += 3
        _ = consumeNewline()
        var text: [UInt8] = []
        while true {
            guard let byte = peek else {
                throw error(
                    .unterminated,
                    "the multi-line string opened at line \(open.line) is not closed; expected `\"\"\"`"
                )
            }
            switch byte {
            case UInt8(ascii: "\""):
                if let closed = try closeMultiline(quote: byte, into: &text) { return closed }
            case UInt8(ascii: "\\"):
                try parseEscape(into: &text, multiline: true)
            default:
                try appendMultilineByte(byte, into: &text)
            }
        }
    }

    /// `'...'`: one line, no escapes (handy for Windows paths and regular expressions).
    mutating func parseLiteralString() throws(TOMLParseError) -> String {
        let open = position
        position += 1
        let start = position
        while true {
            guard let byte = peek, byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "\r") || !isCRLF else {
                throw error(
                    .unterminated,
                    "the string that starts at column \(location(of: open).column) is not closed on its line; expected a closing `'`"
                )
            }
            if byte == UInt8(ascii: "'") {
                position += 1
                return String(decoding: bytes[start..<position - 1], as: UTF8.self)
            }
            try checkStringByte(byte)
            position += 1
        }
    }

    /// `'''...'''`: may span lines, no escapes.
    mutating func parseMultilineLiteralString() throws(TOMLParseError) -> String {
        let open = location(of: position)
        position += 3
        _ = consumeNewline()
        var text: [UInt8] = []
        while true {
            guard let byte = peek else {
                throw error(
                    .unterminated,
                    "the multi-line string opened at line \(open.line) is not closed; expected `'''`"
                )
            }
            if byte == UInt8(ascii: "'") {
                if let closed = try closeMultiline(quote: byte, into: &text) { return closed }
            } else {
                try appendMultilineByte(byte, into: &text)
            }
        }
    }

    private var isCRLF: Bool { peek == UInt8(ascii: "\r") && byte(at: position + 1) == UInt8(ascii: "\n") }

    /// At a run of quotes inside a multi-line string: three end it, and up to two more right
    /// before those belong to the text (`""""` ends with one quote in the text).
    private mutating func closeMultiline(quote: UInt8, into text: inout [UInt8]) throws(TOMLParseError) -> String? {
        var count = 0
        while byte(at: position + count) == quote { count += 1 }
        if count < 3 {
            text.append(contentsOf: repeatElement(quote, count: count))
            position += count
            return nil
        }
        if count > 5 {
            throw error(
                .syntax,
                "too many quotes in a row: a multi-line string may hold at most two before its closing three",
                at: position + 5
            )
        }
        text.append(contentsOf: repeatElement(quote, count: count - 3))
        position += count
        return String(decoding: text, as: UTF8.self)
    }

    private mutating func appendMultilineByte(_ byte: UInt8, into text: inout [UInt8]) throws(TOMLParseError) {
        if consumeNewline() {
            text.append(UInt8(ascii: "\n"))  // CRLF files give the same strings as LF files
            return
        }
        try checkStringByte(byte)
        text.append(byte)
        position += 1
    }

    private func checkStringByte(_ byte: UInt8) throws(TOMLParseError) {
        if Self.isForbiddenControl(byte) {
            let name = Self.hex(UInt32(byte))
            throw error(
                .controlCharacter,
                "control character \(name) is not allowed in a string; write it as an escape such as \\u\(name.dropFirst(2))"
            )
        }
    }

    private mutating func parseEscape(into text: inout [UInt8], multiline: Bool) throws(TOMLParseError) {
        let start = position
        position += 1
        guard let code = peek else {
            throw error(.unterminated, "the string is not closed; expected a closing quote")
        }
        switch code {
        case UInt8(ascii: "b"): text.append(0x08)
        case UInt8(ascii: "t"): text.append(0x09)
        case UInt8(ascii: "n"): text.append(0x0A)
        case UInt8(ascii: "f"): text.append(0x0C)
        case UInt8(ascii: "r"): text.append(0x0D)
        case UInt8(ascii: "\""): text.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): text.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let digits = code == UInt8(ascii: "u") ? 4 : 8
            var value: UInt32 = 0
            for offset in 1...digits {
                guard let digit = byte(at: position + offset).flatMap(Self.hexValue) else {
                    throw error(
                        .invalidEscape,
                        "`\\\(Character(Unicode.Scalar(code)))` must be followed by \(digits) hexadecimal digits",
                        at: start
                    )
                }
                value = value << 4 | UInt32(digit)
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw error(
                    .invalidEscape,
                    "\(Self.hex(value)) is not a Unicode scalar value (surrogate or above U+10FFFF)",
                    at: start
                )
            }
            text.append(contentsOf: Array(String(Character(scalar)).utf8))
            position += digits
        case let space
        where multiline
            && (space == UInt8(ascii: " ") || space == UInt8(ascii: "\t") || space == UInt8(ascii: "\n")
                || space == UInt8(ascii: "\r")):
            // Line-ending backslash: only whitespace may follow it on its line.
            var probe = position
            while let byte = byte(at: probe), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { probe += 1 }
            position = probe
            guard consumeNewline() else {
                throw error(
                    .invalidEscape,
                    "a `\\` followed by spaces must end the line (to join lines); found text after it",
                    at: start
                )
            }
            while true {
                skipSpaces()
                if !consumeNewline() { break }
            }
            return
        default:
            throw error(
                .invalidEscape,
                "\(describe(at: position)) cannot follow `\\`; expected one of \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX (or use a 'literal string')",
                at: start
            )
        }
        position += 1
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
