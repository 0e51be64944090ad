/// Decodes an uncompressed ingest body (NDJSON, docs/ingest-api.md) into an `IngestBatch`,
/// refusing the whole body on the first problem so nothing of a bad batch is ever stored.
///
/// Unknown record types and unknown members are accepted and counted, as the contract asks:
/// a newer agent may add them.
public struct IngestDecoder: Sendable {
    /// Most records one body may hold; above it the collector answers 413 and the agent halves.
    public var maximumRecords: Int
    /// Longest accepted line in bytes; one record is far smaller, a longer line is an attack or
    /// a bug and is refused before it is parsed.
    public var maximumLineBytes: Int

    public init(maximumRecords: Int = 10_000, maximumLineBytes: Int = 1 << 20) {
        self.maximumRecords = maximumRecords
        self.maximumLineBytes = maximumLineBytes
    }

    public func decode(_ body: [UInt8]) throws(IngestDecodeError) -> IngestBatch {
        let result = body.withUnsafeBytes { raw in
            Result { () throws(IngestDecodeError) -> IngestBatch in try decode(raw) }
        }
        return try result.get()
    }

    public func decode(_ body: UnsafeRawBufferPointer) throws(IngestDecodeError) -> IngestBatch {
        var header: WireBatchHeader?
        var records: [WireRecord] = []
        var counter = UnknownFieldCounter()
        var lineNumber = 0
        var start = 0
        while start < body.count {
            var end = start
            while end < body.count && body[end] != 0x0A { end += 1 }
            lineNumber += 1
            let line = UnsafeRawBufferPointer(rebasing: body[start..<end])
            start = end + 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            if line.count > maximumLineBytes {
                throw IngestDecodeError(
                    .lineTooLong,
                    line: lineNumber,
                    "the line is \(line.count) bytes, more than the \(maximumLineBytes) accepted"
                )
            }
            let value: JSONValue
            do {
                value = try JSONParser.parse(line)
            } catch {
                throw IngestDecodeError(.malformedJSON, line: lineNumber, "not JSON: \(error)")
            }
            var reader = RecordReader(line: lineNumber, counter: counter)
            defer { counter = reader.counter }
            guard let batchHeader = header else {
                let decoded = try reader.header(value)
                if decoded.records > maximumRecords {
                    throw tooMany(decoded.records)
                }
                header = decoded
                continue
            }
            if records.count >= maximumRecords { throw tooMany(records.count + 1) }
            if records.count >= batchHeader.records {
                throw IngestDecodeError(
                    .recordCountMismatch,
                    line: lineNumber,
                    "the header announced \(batchHeader.records) records, but more lines follow"
                )
            }
            records.append(try reader.record(value))
        }
        guard let header else {
            throw IngestDecodeError(.invalidHeader, line: nil, "the body is empty; expected a batch header line")
        }
        if records.count != header.records {
            throw IngestDecodeError(
                .recordCountMismatch,
                line: nil,
                "the header announced \(header.records) records, but \(records.count) followed (a cut-off body?)"
            )
        }
        return IngestBatch(header: header, records: records, unknownFields: counter.count)
    }

    private func tooMany(_ count: Int) -> IngestDecodeError {
        IngestDecodeError(
            .tooManyRecords,
            line: nil,
            "\(count) records in one request; at most \(maximumRecords) are accepted (send smaller batches)"
        )
    }
}

/// Counts members no decoder asked for.
struct UnknownFieldCounter {
    var count = 0
}

/// Reads one line's JSON into wire types, naming the field that is wrong.
struct RecordReader {
    let line: Int
    var counter: UnknownFieldCounter

    init(line: Int, counter: UnknownFieldCounter) {
        self.line = line
        self.counter = counter
    }

    func invalid(_ message: String) -> IngestDecodeError {
        IngestDecodeError(.invalidRecord, line: line, message)
    }

    func invalidHeader(_ message: String) -> IngestDecodeError {
        IngestDecodeError(.invalidHeader, line: line, message)
    }

    mutating func object(
        _ value: JSONValue,
        _ what: String,
        known: Set<String>
    ) throws(IngestDecodeError) -> [(key: String, value: JSONValue)] {
        guard case .object(let members) = value else {
            throw invalid("\(what): expected an object, found \(value.typeDescription)")
        }
        counter.count += members.count { !known.contains($0.key) }
        return members
    }

    func string(_ value: JSONValue?, _ field: String, allowEmpty: Bool = false) throws(IngestDecodeError) -> String {
        guard let value else { throw invalid("`\(field)` is missing") }
        guard let text = value.stringValue else {
            throw invalid("`\(field)`: expected a string, found \(value.typeDescription)")
        }
        if !allowEmpty && text.isEmpty { throw invalid("`\(field)` is empty") }
        return text
    }

    func integer(_ value: JSONValue?, _ field: String) throws(IngestDecodeError) -> Int64 {
        guard let value else { throw invalid("`\(field)` is missing") }
        guard let number = value.integerValue, number >= 0 else {
            throw invalid("`\(field)`: expected a whole number >= 0, found \(value.typeDescription)")
        }
        return number
    }

    /// An object of string values (labels, attributes); absent is empty.
    mutating func stringMap(
        _ value: JSONValue?,
        _ field: String
    ) throws(IngestDecodeError) -> [(
        name: String, value: String
    )] {
        guard let value, value != .null else { return [] }
        guard case .object(let members) = value else {
            throw invalid("`\(field)`: expected an object of strings, found \(value.typeDescription)")
        }
        var pairs: [(name: String, value: String)] = []
        pairs.reserveCapacity(members.count)
        for member in members {
            guard let text = member.value.stringValue else {
                throw invalid("`\(field).\(member.key)`: expected a string, found \(member.value.typeDescription)")
            }
            pairs.append((member.key, text))
        }
        return pairs
    }

    mutating func identity(_ value: JSONValue?, _ field: String) throws(IngestDecodeError) -> WireIdentity {
        guard let value else { throw invalid("`\(field)` is missing") }
        _ = try object(value, "`\(field)`", known: ["trust", "site", "gateway"])
        return WireIdentity(
            trust: try string(value["trust"], "\(field).trust"),
            site: try string(value["site"], "\(field).site"),
            gateway: try string(value["gateway"], "\(field).gateway")
        )
    }

    mutating func header(_ value: JSONValue) throws(IngestDecodeError) -> WireBatchHeader {
        guard case .object = value else {
            throw invalidHeader("expected the batch header object, found \(value.typeDescription)")
        }
        guard value["type"]?.stringValue == IngestAPI.batchType else {
            throw invalidHeader("the first line must be the batch header ({\"type\":\"batch\",...})")
        }
        guard let version = value["version"]?.integerValue, version == IngestAPI.version else {
            throw invalidHeader("`version` must be \(IngestAPI.version), the ingest API version this collector speaks")
        }
        _ = try object(value, "the header", known: ["type", "version", "agent", "batch", "records"])
        do {
            return WireBatchHeader(
                version: Int(version),
                agent: try identity(value["agent"], "agent"),
                batch: try integer(value["batch"], "batch"),
                records: Int(try integer(value["records"], "records"))
            )
        } catch {
            throw invalidHeader(error.message)
        }
    }

    mutating func record(_ value: JSONValue) throws(IngestDecodeError) -> WireRecord {
        guard case .object = value else { throw invalid("expected a record object, found \(value.typeDescription)") }
        let type = try string(value["type"], "type")
        switch type {
        case IngestAPI.samplesType:
            _ = try object(value, "the record", known: ["type", "id", "ts", "identity", "samples"])
            guard case .array(let items)? = value["samples"] else {
                throw invalid("`samples`: expected an array")
            }
            var samples: [WireSample] = []
            samples.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                let field = "samples[\(index)]"
                _ = try object(item, "`\(field)`", known: ["name", "labels", "value"])
                let sampleValue: Double?
                switch item["value"] {
                case .number(let number)?: sampleValue = number
                case .null?: sampleValue = nil
                case nil: throw invalid("`\(field).value` is missing")
                case let other?:
                    throw invalid("`\(field).value`: expected a number or null, found \(other.typeDescription)")
                }
                samples.append(
                    WireSample(
                        name: try string(item["name"], "\(field).name"),
                        labels: try stringMap(item["labels"], "\(field).labels"),
                        value: sampleValue
                    )
                )
            }
            return .samples(
                WireSampleGroup(
                    id: try string(value["id"], "id"),
                    timestampMilliseconds: try integer(value["ts"], "ts"),
                    identity: try identity(value["identity"], "identity"),
                    samples: samples
                )
            )
        case IngestAPI.eventType:
            _ = try object(value, "the record", known: ["type", "event"])
            guard let event = value["event"] else { throw invalid("`event` is missing") }
            _ = try object(
                event,
                "`event`",
                known: [
                    "ts", "id", "trust", "site", "gateway", "kind", "severity", "subject", "evidence", "attributes",
                ]
            )
            return .event(
                WireEvent(
                    id: try string(event["id"], "event.id"),
                    timestampMilliseconds: try integer(event["ts"], "event.ts"),
                    identity: WireIdentity(
                        trust: try string(event["trust"], "event.trust"),
                        site: try string(event["site"], "event.site"),
                        gateway: try string(event["gateway"], "event.gateway")
                    ),
                    kind: try string(event["kind"], "event.kind"),
                    severity: try string(event["severity"], "event.severity"),
                    subject: try string(event["subject"] ?? .string(""), "event.subject", allowEmpty: true),
                    evidence: try string(event["evidence"] ?? .string(""), "event.evidence", allowEmpty: true),
                    attributes: try stringMap(event["attributes"], "event.attributes")
                )
            )
        default:
            return .unknown(type: type)
        }
    }
}
