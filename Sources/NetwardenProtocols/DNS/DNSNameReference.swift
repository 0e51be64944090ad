/// A name inside a DNS message that has already been validated but not yet decoded.
///
/// Records and questions carry this 16-byte reference instead of a 256-byte ``DomainName`` so the
/// reader copies little per record, and the capture path decodes only the names it wants
/// (usually the question name and CNAME targets), into a ``DomainName`` it reuses. The reader
/// walked the name when it read the record, so decoding cannot fail. Valid only while the
/// message buffer is.
public struct DNSNameReference: CustomStringConvertible {
    /// The whole message the name lives in (compression pointers are relative to its start).
    public let message: UnsafeRawBufferPointer
    /// Where the name starts in `message`.
    public let offset: Int

    init(message: UnsafeRawBufferPointer, offset: Int) {
        self.message = message
        self.offset = offset
    }

    /// Decodes the name (lowercase, no trailing dot) into `name`, replacing its contents.
    public func decode(into name: inout DomainName) {
        if (try? DNSNameDecoder.decode(message, at: offset, into: &name)) == nil {
            // Unreachable for references the reader hands out: it validated these very bytes.
            name.removeAll()
        }
    }

    /// The decoded name as a value (copies 256 bytes; prefer ``decode(into:)`` in loops).
    public var domainName: DomainName {
        var name = DomainName()
        decode(into: &name)
        return name
    }

    /// The name as text (allocates).
    public var description: String { domainName.description }
}
