/// The RDATA of an SVCB (type 64) or HTTPS (type 65) record (RFC 9460).
///
/// netwarden cares about two parameters: `ech` (key 5), because a published ECH config means
/// browsers will hide the real SNI from the filter, and `alpn` (key 1), which says whether the
/// service offers HTTP/3 (QUIC) that a filter may not inspect. The parameters were checked when
/// the record was read (keys strictly increasing, lengths inside RDATA, `alpn` well-formed), so
/// the accessors here cannot fail. Slices point into the message.
public struct SVCBRecord {
    /// SvcPriority; 0 is AliasMode (the target is an alias, there are no parameters).
    public var priority: UInt16
    /// TargetName; empty means "the owner name" (RFC 9460 "." rule).
    public var target: DNSNameReference
    /// The raw SvcParams region.
    public var parameters: UnsafeRawBufferPointer
    /// The `alpn` value (length-prefixed protocol IDs), if present.
    public var alpn: ALPNList?
    /// Whether an `ech` parameter is present.
    public var hasECH: Bool
    /// The `ech` value (an ECHConfigList), if present.
    public var ech: UnsafeRawBufferPointer?
    /// The `port` parameter, if present.
    public var port: UInt16?

    public var isAliasMode: Bool { priority == 0 }

    static let keyALPN: UInt16 = 1
    static let keyPort: UInt16 = 3
    static let keyECH: UInt16 = 5

    /// Reads RDATA at `range` in `message` (the target name may be compressed by lax servers,
    /// so it is read against the whole message).
    static func decode(
        _ message: UnsafeRawBufferPointer,
        _ range: Range<Int>
    ) throws(DNSFailure) -> SVCBRecord {
        var reader = ByteReader(
            UnsafeRawBufferPointer(rebasing: message[..<range.upperBound]),
            offset: range.lowerBound
        )
        guard let priority = reader.readUInt16() else { throw .badRecordData }
        let target = DNSNameReference(message: message, offset: reader.offset)
        let afterTarget: Int
        do throws(DNSFailure) {
            afterTarget = try DNSNameDecoder.skip(message, at: reader.offset)
        } catch .truncated {
            throw .badRecordData
        }
        guard afterTarget <= range.upperBound else { throw .badRecordData }
        let parameters = UnsafeRawBufferPointer(rebasing: message[afterTarget..<range.upperBound])
        var record = SVCBRecord(
            priority: priority,
            target: target,
            parameters: parameters,
            alpn: nil,
            hasECH: false,
            ech: nil,
            port: nil
        )
        var params = ByteReader(parameters)
        var previousKey = -1
        while !params.isAtEnd {
            guard let key = params.readUInt16(),
                let length = params.readUInt16(),
                let value = params.readSlice(Int(length))
            else { throw .badServiceParameters }
            // RFC 9460 2.2: keys appear in strictly increasing order, else the RR is malformed.
            guard Int(key) > previousKey else { throw .badServiceParameters }
            previousKey = Int(key)
            switch key {
            case keyALPN:
                guard let list = ALPNList(validating: value) else { throw .badServiceParameters }
                record.alpn = list
            case keyPort:
                guard value.count == 2 else { throw .badServiceParameters }
                record.port = UInt16(value[0]) << 8 | UInt16(value[1])
            case keyECH:
                record.hasECH = true
                record.ech = value
            default:
                break
            }
        }
        return record
    }
}

/// A wire-format ALPN protocol list (each ID length-prefixed), as in SVCB `alpn` and TLS.
///
/// Iterating yields each protocol ID as a slice; ``contains(_:)`` answers "is h3 offered" without
/// allocating, ``identifiers`` allocates strings for logs.
public struct ALPNList: Sequence {
    /// The raw list.
    public let bytes: UnsafeRawBufferPointer

    /// `nil` unless `bytes` is a non-empty sequence of non-empty length-prefixed IDs.
    public init?(validating bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return nil }
        var reader = ByteReader(bytes)
        while !reader.isAtEnd {
            guard let length = reader.readUInt8(), length > 0, reader.skip(Int(length)) else { return nil }
        }
        self.bytes = bytes
    }

    /// Yields each protocol ID.
    public struct Iterator: IteratorProtocol {
        var reader: ByteReader

        public mutating func next() -> UnsafeRawBufferPointer? {
            guard let length = reader.readUInt8() else { return nil }
            return reader.readSlice(Int(length))
        }
    }

    public func makeIterator() -> Iterator { Iterator(reader: ByteReader(bytes)) }

    /// Whether `identifier` (e.g. `"h3"`) is in the list; compares bytes exactly.
    public func contains(_ identifier: StaticString) -> Bool {
        let wanted = UnsafeRawBufferPointer(start: identifier.utf8Start, count: identifier.utf8CodeUnitCount)
        return contains { $0.elementsEqual(wanted) }
    }

    /// The IDs as strings (allocates).
    public var identifiers: [String] { map { String(decoding: $0, as: UTF8.self) } }
}
