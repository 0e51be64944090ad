import NetwardenCore

/// The binary form of a `TelemetryRecord` inside a spool record.
///
/// Compact and fast to decode (an uploader draining a week-long backlog reads millions of
/// them): a type byte, then fixed-width little-endian numbers and varint-length-prefixed UTF-8
/// strings. Names are stored, not catalogue indexes, so a record spooled by one version of
/// netwarden is still read correctly by the next. Decoding checks every length against the
/// bytes left and fails with an error, never a trap, on anything malformed.
public enum TelemetryRecordCodec {
    static let samplesType: UInt8 = 1
    static let eventType: UInt8 = 2

    public static func encode(_ record: TelemetryRecord) -> [UInt8] {
        var out: [UInt8] = []
        encode(record, into: &out)
        return out
    }

    public static func encode(_ record: TelemetryRecord, into out: inout [UInt8]) {
        switch record {
        case .samples(let group):
            out.append(samplesType)
            putInt64(group.timestampMilliseconds, &out)
            putIdentity(group.identity, &out)
            putVarint(UInt64(group.observations.count), &out)
            for observation in group.observations {
                putString(observation.family.name, &out)
                putLabels(observation.labels, &out)
                putInt64(Int64(bitPattern: observation.value.bitPattern), &out)
            }
        case .event(let event):
            out.append(eventType)
            putInt64(event.timestampMilliseconds, &out)
            putIdentity(event.identity, &out)
            putString(event.id, &out)
            putString(event.kind.rawValue, &out)
            putString(event.severity.rawValue, &out)
            putString(event.subject, &out)
            putString(event.evidence, &out)
            putLabels(event.attributes, &out)
        }
    }

    public static func decode(_ bytes: [UInt8]) throws(TelemetryCodecError) -> TelemetryRecord {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(TelemetryCodecError) -> TelemetryRecord in try decode(buffer) }
        }
        return try result.get()
    }

    public static func decode(_ buffer: UnsafeRawBufferPointer) throws(TelemetryCodecError) -> TelemetryRecord {
        var reader = Reader(buffer: buffer)
        let type = try reader.byte()
        switch type {
        case samplesType:
            let timestamp = try reader.int64()
            let identity = try reader.identity()
            let count = try reader.count(minimumBytesEach: 10)
            var observations: [Observation] = []
            observations.reserveCapacity(count)
            for _ in 0..<count {
                let family = try reader.family()
                let labels = try reader.labels()
                let value = Double(bitPattern: UInt64(bitPattern: try reader.int64()))
                observations.append(Observation(family, value, labels))
            }
            try reader.expectEnd()
            return .samples(
                SampleGroup(timestampMilliseconds: timestamp, identity: identity, observations: observations)
            )
        case eventType:
            let timestamp = try reader.int64()
            let identity = try reader.identity()
            let id = try reader.string()
            let kind = EventKind(try reader.string())
            let severityWord = try reader.string()
            guard let severity = LogSeverity(rawValue: severityWord) else {
                throw TelemetryCodecError("unknown severity `\(severityWord)`")
            }
            let subject = try reader.string()
            let evidence = try reader.string()
            let attributes = try reader.labels()
            try reader.expectEnd()
            return .event(
                TelemetryEvent(
                    id: id,
                    timestampMilliseconds: timestamp,
                    identity: identity,
                    kind: kind,
                    severity: severity,
                    subject: subject,
                    evidence: evidence,
                    attributes: attributes
                )
            )
        default:
            throw TelemetryCodecError("unknown record type \(type)")
        }
    }

    // MARK: writing

    private static func putInt64(_ value: Int64, _ out: inout [UInt8]) {
        var bits = UInt64(bitPattern: value)
        for _ in 0..<8 {
            out.append(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
    }

    private static func putVarint(_ value: UInt64, _ out: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
    }

    private static func putString(_ text: String, _ out: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            putVarint(UInt64(utf8.count), &out)
            out.append(contentsOf: utf8)
        }
    }

    private static func putIdentity(_ identity: AgentIdentity, _ out: inout [UInt8]) {
        putString(identity.trust, &out)
        putString(identity.site, &out)
        putString(identity.gateway, &out)
    }

    private static func putLabels(_ labels: [Label], _ out: inout [UInt8]) {
        putVarint(UInt64(labels.count), &out)
        for label in labels {
            putString(label.name, &out)
            putString(label.value, &out)
        }
    }

    // MARK: reading

    private struct Reader {
        let buffer: UnsafeRawBufferPointer
        var offset = 0

        mutating func byte() throws(TelemetryCodecError) -> UInt8 {
            guard offset < buffer.count else { throw TelemetryCodecError("record ends early") }
            defer { offset += 1 }
            return buffer[offset]
        }

        mutating func int64() throws(TelemetryCodecError) -> Int64 {
            guard buffer.count - offset >= 8 else { throw TelemetryCodecError("record ends inside a number") }
            var bits: UInt64 = 0
            for index in (0..<8).reversed() { bits = bits << 8 | UInt64(buffer[offset + index]) }
            offset += 8
            return Int64(bitPattern: bits)
        }

        mutating func varint() throws(TelemetryCodecError) -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let next = try byte()
                guard shift < 64 else { throw TelemetryCodecError("varint longer than 64 bits") }
                value |= UInt64(next & 0x7F) << shift
                if next & 0x80 == 0 { return value }
                shift += 7
            }
        }

        /// A count of items that each take at least `minimumBytesEach`, checked against what is
        /// left so a corrupt count cannot ask for a huge allocation.
        mutating func count(minimumBytesEach: Int) throws(TelemetryCodecError) -> Int {
            let value = try varint()
            guard value <= UInt64((buffer.count - offset) / max(minimumBytesEach, 1)) else {
                throw TelemetryCodecError("item count \(value) exceeds the record")
            }
            return Int(value)
        }

        mutating func string() throws(TelemetryCodecError) -> String {
            let length = try count(minimumBytesEach: 1)
            let start = offset
            offset += length
            return String(decoding: UnsafeRawBufferPointer(rebasing: buffer[start..<offset]), as: UTF8.self)
        }

        /// A family name, looked up in the catalogue straight from the bytes.
        mutating func family() throws(TelemetryCodecError) -> MetricFamily {
            let length = try count(minimumBytesEach: 1)
            let start = offset
            offset += length
            return MetricFamily.named(utf8: UnsafeRawBufferPointer(rebasing: buffer[start..<offset]))
        }

        mutating func identity() throws(TelemetryCodecError) -> AgentIdentity {
            AgentIdentity(trust: try string(), site: try string(), gateway: try string())
        }

        mutating func labels() throws(TelemetryCodecError) -> [Label] {
            let count = try count(minimumBytesEach: 2)
            var labels: [Label] = []
            labels.reserveCapacity(count)
            for _ in 0..<count { labels.append(Label(try string(), try string())) }
            return labels
        }

        func expectEnd() throws(TelemetryCodecError) {
            guard offset == buffer.count else {
                throw TelemetryCodecError("\(buffer.count - offset) unexpected bytes after the record")
            }
        }
    }
}

/// A spooled record that could not be decoded (corruption the spool's CRC did not catch, or a
/// record from a newer netwarden).
public struct TelemetryCodecError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
