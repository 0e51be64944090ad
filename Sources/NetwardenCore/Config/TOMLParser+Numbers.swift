// Integers, floats, and the recognisable-but-rejected date-times.
extension TOMLParserState {
    /// Turns a run of value characters (`0x1F`, `-3_000`, `6.02e23`, `inf`) into a number.
    func parseNumber(_ word: String, at start: Int, key: [String]) throws(TOMLParseError) -> TOMLValue {
        let at = location(of: start)
        let chars = Array(word.utf8)
        func fail(_ message: String) -> TOMLParseError {
            error(.invalidNumber, message, at: start, key: key)
        }
        if Self.looksLikeDateTime(chars) {
            throw error(
                .unsupported,
                "date-times are not supported here; no netwarden setting is a date (write it as a \"string\" if needed)",
                at: start,
                key: key
            )
        }
        var body = chars[...]
        var sign: UInt8?
        if let first = body.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            sign = first
            body = body.dropFirst()
        }
        let negative = sign == UInt8(ascii: "-")
        if body.elementsEqual("inf".utf8) { return TOMLValue(.float(negative ? -.infinity : .infinity), at: at) }
        if body.elementsEqual("nan".utf8) { return TOMLValue(.float(.nan), at: at) }
        guard let firstDigit = body.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(firstDigit) else {
            throw error(
                .syntax,
                "`\(word)` is not a value; strings need quotes (\"\(word)\"), booleans are true or false",
                at: start,
                key: key
            )
        }

        // 0x / 0o / 0b integers: no sign allowed (TOML 1.0).
        if body.count > 2 && firstDigit == UInt8(ascii: "0"),
            let radix = [UInt8(ascii: "x"): 16, UInt8(ascii: "o"): 8, UInt8(ascii: "b"): 2][body[body.startIndex + 1]]
        {
            if sign != nil { throw fail("`\(word)`: a sign is not allowed on hexadecimal, octal or binary integers") }
            let digits = body.dropFirst(2)
            guard let cleaned = Self.digitRun(digits, radix: radix) else {
                throw fail("`\(word)` is not a valid base-\(radix) integer (digits may be separated by single `_`)")
            }
            guard let value = UInt64(cleaned, radix: radix), value <= UInt64(Int64.max) else {
                throw fail("`\(word)` does not fit in a 64-bit signed integer")
            }
            return TOMLValue(.integer(Int64(value)), at: at)
        }

        let isFloat = body.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        if !isFloat {
            guard let cleaned = Self.decimalIntegerPart(body) else {
                throw fail(
                    "`\(word)` is not a valid integer (no leading zeros, digits may be separated by single `_`)"
                )
            }
            guard let value = Int64((negative ? "-" : "") + cleaned) else {
                throw fail("`\(word)` does not fit in a 64-bit signed integer")
            }
            return TOMLValue(.integer(value), at: at)
        }

        // Float: integer part, then `.digits` and/or `e[+-]digits`.
        let exponentIndex = body.firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        let mantissa = body[..<(exponentIndex ?? body.endIndex)]
        let dotIndex = mantissa.firstIndex(of: UInt8(ascii: "."))
        let invalid = fail(
            "`\(word)` is not a valid float (expected digits on both sides of `.`, like 0.5 or 1e-3)"
        )
        guard let integerPart = Self.decimalIntegerPart(mantissa[..<(dotIndex ?? mantissa.endIndex)]) else {
            throw invalid
        }
        var text = (negative ? "-" : "") + integerPart
        if let dotIndex {
            guard let fraction = Self.digitRun(mantissa[(dotIndex + 1)...], radix: 10) else { throw invalid }
            text += "." + fraction
        }
        if let exponentIndex {
            var exponent = body[(exponentIndex + 1)...]
            var exponentSign = ""
            if let first = exponent.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
                exponentSign = first == UInt8(ascii: "-") ? "-" : "+"
                exponent = exponent.dropFirst()
            }
            guard let digits = Self.digitRun(exponent, radix: 10) else { throw invalid }
            text += "e" + exponentSign + digits
        }
        guard let value = Double(text) else { throw invalid }
        return TOMLValue(.float(value), at: at)
    }

    /// Digits of `radix`, single underscores only between digits; the digits without underscores.
    static func digitRun(_ run: ArraySlice<UInt8>, radix: Int) -> String? {
        guard let first = run.first, let last = run.last, first != UInt8(ascii: "_"), last != UInt8(ascii: "_")
        else { return nil }
        var digits: [UInt8] = []
        var previousWasUnderscore = false
        for byte in run {
            if byte == UInt8(ascii: "_") {
                if previousWasUnderscore { return nil }
                previousWasUnderscore = true
                continue
            }
            guard let value = hexValue(byte), Int(value) < radix else { return nil }
            previousWasUnderscore = false
            digits.append(byte)
        }
        return String(decoding: digits, as: UTF8.self)
    }

    /// A decimal integer without sign: `0`, or digits not starting with `0`.
    static func decimalIntegerPart(_ run: ArraySlice<UInt8>) -> String? {
        guard let digits = digitRun(run, radix: 10) else { return nil }
        if digits.count > 1 && digits.hasPrefix("0") { return nil }
        return digits
    }

    /// `1979-05-27...` or `07:32:00`: recognised only to reject them with a clear message.
    static func looksLikeDateTime(_ chars: [UInt8]) -> Bool {
        func isDigit(_ index: Int) -> Bool {
            index < chars.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(chars[index])
        }
        if chars.count >= 5 && (0..<4).allSatisfy(isDigit) && chars[4] == UInt8(ascii: "-") { return true }
        if chars.count >= 3 && isDigit(0) && isDigit(1) && chars[2] == UInt8(ascii: ":") { return true }
        return false
    }
}
