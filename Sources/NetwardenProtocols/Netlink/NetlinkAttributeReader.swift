/// Walks a run of netlink attributes (a message body after its fixed header, or a nest's payload).
///
/// Every length is checked before it is used: an attribute whose length is shorter than its own
/// header or runs past the buffer ends the walk and is reported through `error`, with its offset,
/// instead of being skipped or trusted. Kernel messages are well-formed in practice; this is for
/// the day a driver or a recorded file is not. `depth` travels with nested readers so a hostile
/// or corrupt nest cannot drive a recursive decoder arbitrarily deep.
public struct NetlinkAttributeReader: IteratorProtocol {
    /// nl80211 needs three levels (STA_INFO → rate info → a few inner nests); 16 leaves room
    /// without letting a corrupt buffer recurse unbounded.
    public static let defaultMaximumDepth = 16

    private var reader: ByteReader
    private let baseOffset: Int
    public let depth: Int
    public let maximumDepth: Int
    /// Set when the walk stopped on a bad attribute; `nil` after a clean end.
    public private(set) var error: NetlinkError?

    /// Starts a walk over `bytes`. Throws `.nestingTooDeep` when `depth` exceeds `maximumDepth`.
    /// `baseOffset` only labels offsets in errors (where these bytes sit in the whole message).
    public init(
        _ bytes: UnsafeRawBufferPointer,
        depth: Int = 0,
        maximumDepth: Int = defaultMaximumDepth,
        baseOffset: Int = 0
    ) throws(NetlinkError) {
        guard depth <= maximumDepth else {
            throw NetlinkError(
                .nestingTooDeep,
                "attributes nested \(depth) deep (limit \(maximumDepth))",
                offset: baseOffset
            )
        }
        self.reader = ByteReader(bytes)
        self.depth = depth
        self.maximumDepth = maximumDepth
        self.baseOffset = baseOffset
    }

    public mutating func next() -> NetlinkAttribute? {
        guard error == nil, !reader.isAtEnd else { return nil }
        let start = reader.offset
        guard reader.remaining >= NetlinkAttribute.headerSize else {
            // Fewer than 4 bytes of trailing junk. Senders pad to 4, so this is corruption.
            error = NetlinkError(
                .truncated,
                "\(reader.remaining) stray bytes after the last attribute",
                offset: baseOffset + start
            )
            return nil
        }
        var header = reader
        guard let length = header.readHostUInt16().map(Int.init), let rawType = header.readHostUInt16() else {
            return nil
        }
        guard length >= NetlinkAttribute.headerSize else {
            // A zero length would never advance; treat any length below the header as fatal.
            error = NetlinkError(
                .badLength,
                "attribute length \(length) is shorter than its header",
                offset: baseOffset + start
            )
            return nil
        }
        guard length <= reader.remaining else {
            error = NetlinkError(
                .badLength,
                "attribute length \(length) runs past the \(reader.remaining) bytes left",
                offset: baseOffset + start
            )
            return nil
        }
        reader.skip(NetlinkAttribute.headerSize)
        guard let payload = reader.readSlice(length - NetlinkAttribute.headerSize) else { return nil }
        // The last attribute may omit its padding; do not fail on that.
        reader.skip(min(NetlinkMessageHeader.aligned(length) - length, reader.remaining))
        let flags = NetlinkAttribute.nestedFlag | NetlinkAttribute.networkByteOrderFlag
        return NetlinkAttribute(
            type: rawType & ~flags,
            isNestedFlagSet: rawType & NetlinkAttribute.nestedFlag != 0,
            payload: payload,
            offset: baseOffset + start
        )
    }

    /// Reads the rest of the run, throwing the first malformation instead of recording it.
    public mutating func collect() throws(NetlinkError) -> [NetlinkAttribute] {
        var attributes: [NetlinkAttribute] = []
        while let attribute = next() { attributes.append(attribute) }
        if let error { throw error }
        return attributes
    }

    /// A reader over `attribute`'s payload, one level deeper, with errors placed in this buffer.
    public func nested(in attribute: NetlinkAttribute) throws(NetlinkError) -> NetlinkAttributeReader {
        try NetlinkAttributeReader(
            attribute.payload,
            depth: depth + 1,
            maximumDepth: maximumDepth,
            baseOffset: attribute.offset + NetlinkAttribute.headerSize
        )
    }

    /// Checks the whole tree below this point, descending into attributes that carry
    /// NLA_F_NESTED; the first bad length or excessive depth is thrown. Used on untrusted input
    /// before handing it to schema decoders, and by tests.
    public mutating func validateTree() throws(NetlinkError) {
        while let attribute = next() {
            if attribute.isNestedFlagSet {
                var child = try nested(in: attribute)
                try child.validateTree()
            }
        }
        if let error { throw error }
    }
}
