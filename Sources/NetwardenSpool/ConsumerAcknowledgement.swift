import Glibc

/// A consumer's durable acknowledged sequence: one small text file per consumer,
/// `consumers/<name>.ack`, holding `<sequence> <crc32c as 8 hex>\n`.
///
/// Text so a technician can read it (`cat`); the checksum so a torn or bit-flipped file is
/// recognised instead of being believed. A file that does not check out is treated as "nothing
/// acknowledged": duplicates downstream (which the record ids de-duplicate) rather than losses.
enum ConsumerAcknowledgement {
    static let suffix = ".ack"

    static func encode(_ sequence: UInt64) -> [UInt8] {
        let digits = Array(String(sequence).utf8)
        let crc = String(CRC32C.checksum(digits), radix: 16)
        return digits + Array((" " + String(repeating: "0", count: 8 - crc.count) + crc + "\n").utf8)
    }

    /// The sequence in `bytes`, or nil when they are not a well-formed, checksummed ack file.
    static func decode(_ bytes: [UInt8]) -> UInt64? {
        guard bytes.last == UInt8(ascii: "\n") else { return nil }
        let parts = bytes.dropLast().split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 8,
            let crc = UInt32(String(decoding: parts[1], as: UTF8.self), radix: 16),
            CRC32C.checksum(Array(parts[0])) == crc
        else { return nil }
        return UInt64(String(decoding: parts[0], as: UTF8.self))
    }

    /// The file name for a consumer name: letters, digits, `-`, `_` and `.` kept, anything else
    /// (a `/` above all) written as `%XX`, so any name is a safe single path component.
    static func fileName(consumer: String) -> String {
        var name = ""
        for byte in consumer.utf8 {
            let scalar = Unicode.Scalar(byte)
            let safe =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                || (byte == UInt8(ascii: ".") && !name.isEmpty)
            if safe {
                name.unicodeScalars.append(scalar)
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                name += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return name + suffix
    }

    /// The consumer name for an ack file name, or nil for other files.
    static func consumer(fromFileName fileName: String) -> String? {
        guard fileName.hasSuffix(suffix), fileName.count > suffix.count else { return nil }
        var bytes: [UInt8] = []
        var utf8 = Array(fileName.dropLast(suffix.count).utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%") {
                guard utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
                else { return nil }
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
