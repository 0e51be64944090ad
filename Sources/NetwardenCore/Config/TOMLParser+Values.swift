// Values: arrays, inline tables, booleans and the dispatch to strings and numbers.
extension TOMLParserState {
    /// Parses the value at the current position. `depth` counts the tables and arrays around it.
    mutating func parseValue(depth: Int, key: [String]) throws(TOMLParseError) -> TOMLValue {
        guard depth <= TOMLParser.maximumDepth else {
            throw error(
                .tooDeep,
                "nested more than \(TOMLParser.maximumDepth) levels deep; expected a flatter value",
                key: key
            )
        }
        let start = position
        let at = here
        switch peek {
        case UInt8(ascii: "\"")?:
            let text = try isTripleQuote ? parseMultilineBasicString() : parseBasicString()
            return TOMLValue(.string(text), at: at)
        case UInt8(ascii: "'")?:
            let text = try isTripleQuote ? parseMultilineLiteralString() : parseLiteralString()
            return TOMLValue(.string(text), at: at)
        case UInt8(ascii: "[")?:
            return try parseArray(depth: depth, key: key)
        case UInt8(ascii: "{")?:
            return try parseInlineTable(depth: depth, key: key)
        case nil, UInt8(ascii: "\n")?, UInt8(ascii: "\r")?, UInt8(ascii: "#")?:
            throw error(
                .syntax,
                "expected a value after `=` (a \"string\", number, true/false, [array] or {table})",
                key: key
            )
        default:
            break
        }
        // Everything else is one run of "word" characters: a boolean, number or date-time.
        while let byte = peek,
            Self.isBareKeyByte(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: ":")
        {
            position += 1
        }
        guard position > start else {
            throw error(
                .syntax,
                "expected a value (a \"string\", number, true/false, [array] or {table}), found \(describe(at: start))",
                key: key
            )
        }
        let word = String(decoding: bytes[start..<position], as: UTF8.self)
        if word == "true" { return TOMLValue(.boolean(true), at: at) }
        if word == "false" { return TOMLValue(.boolean(false), at: at) }
        return try parseNumber(word, at: start, key: key)
    }

    var isTripleQuote: Bool {
        guard let quote = peek else { return false }
        return byte(at: position + 1) == quote && byte(at: position + 2) == quote
    }

    private mutating func parseArray(depth: Int, key: [String]) throws(TOMLParseError) -> TOMLValue {
        let start = position
        let at = here
        position += 1
        var elements: [TOMLValue] = []
        while true {
            try skipBlankLines()  // arrays may span lines and hold comments
            if peek == UInt8(ascii: "]") {
                position += 1
                return TOMLValue(.array(elements), at: at)
            }
            if isAtEnd {
                throw error(
                    .unterminated,
                    "the array opened at line \(at.line) is not closed; expected `]`",
                    key: key
                )
            }
            if peek == UInt8(ascii: ",") {
                throw error(.syntax, "expected a value in the array before `,`", key: key)
            }
            elements.append(try parseValue(depth: depth + 1, key: key))
            try skipBlankLines()
            if peek == UInt8(ascii: ",") {
                position += 1
            } else if peek != UInt8(ascii: "]") {
                if isAtEnd {
                    throw error(
                        .unterminated,
                        "the array opened at line \(at.line) is not closed; expected `]`",
                        key: key
                    )
                }
                throw error(
                    .syntax,
                    "expected `,` or `]` after an element of the array opened at line \(location(of: start).line), found \(describe(at: position))",
                    key: key
                )
            }
        }
    }

    private mutating func parseInlineTable(depth: Int, key: [String]) throws(TOMLParseError) -> TOMLValue {
        let at = here
        position += 1
        let table = TOMLTableBuilder(origin: .inline, location: at)
        skipSpaces()
        if peek == UInt8(ascii: "}") {
            position += 1
            return TOMLValue(.table(table.freeze()), at: at)
        }
        while true {
            skipSpaces()
            if peek == UInt8(ascii: "\n") || peek == UInt8(ascii: "\r") || isAtEnd {
                throw error(
                    .unterminated,
                    "the inline table opened at line \(at.line) is not closed on its line; expected `}` (inline tables must fit on one line)",
                    key: key
                )
            }
            let innerKey = try parseKey()
            try expectEquals(after: innerKey, fullPath: key + innerKey.names)
            let value = try parseValue(depth: depth + innerKey.segments.count, key: key + innerKey.names)
            try insert(value, at: innerKey, into: table, tablePath: key)
            skipSpaces()
            if peek == UInt8(ascii: "}") {
                position += 1
                return TOMLValue(.table(table.freeze()), at: at)
            }
            guard peek == UInt8(ascii: ",") else {
                if isAtEnd || peek == UInt8(ascii: "\n") || peek == UInt8(ascii: "\r") {
                    throw error(
                        .unterminated,
                        "the inline table opened at line \(at.line) is not closed on its line; expected `}` (inline tables must fit on one line)",
                        key: key
                    )
                }
                throw error(
                    .syntax,
                    "expected `,` or `}` in the inline table, found \(describe(at: position))",
                    key: key
                )
            }
            position += 1
            skipSpaces()
            if peek == UInt8(ascii: "}") {
                throw error(.syntax, "a trailing comma is not allowed in an inline table; remove it", key: key)
            }
        }
    }
}
