/// The fixed 12-byte DNS header (RFC 1035 4.1.1), flags broken out.
///
/// The section counts are what the sender claims; ``DNSMessageReader`` treats them as upper bounds
/// and stops when the bytes run out.
public struct DNSHeader: Hashable, Sendable {
    public var id: UInt16
    /// The raw flags word, for anything not broken out below.
    public var flags: UInt16
    public var questionCount: UInt16
    public var answerCount: UInt16
    public var authorityCount: UInt16
    public var additionalCount: UInt16

    public init(
        id: UInt16,
        flags: UInt16,
        questionCount: UInt16,
        answerCount: UInt16,
        authorityCount: UInt16,
        additionalCount: UInt16
    ) {
        self.id = id
        self.flags = flags
        self.questionCount = questionCount
        self.answerCount = answerCount
        self.authorityCount = authorityCount
        self.additionalCount = additionalCount
    }

    /// QR: this is a response.
    public var isResponse: Bool { flags & 0x8000 != 0 }
    /// OPCODE (0 = QUERY).
    public var opcode: UInt8 { UInt8(flags >> 11 & 0x0f) }
    /// AA: authoritative answer.
    public var isAuthoritative: Bool { flags & 0x0400 != 0 }
    /// TC: the response did not fit and was cut; the client should retry over TCP.
    public var isTruncated: Bool { flags & 0x0200 != 0 }
    /// RD: recursion desired.
    public var recursionDesired: Bool { flags & 0x0100 != 0 }
    /// RA: recursion available.
    public var recursionAvailable: Bool { flags & 0x0080 != 0 }
    /// AD: authentic data (DNSSEC).
    public var authenticData: Bool { flags & 0x0020 != 0 }
    /// CD: checking disabled (DNSSEC).
    public var checkingDisabled: Bool { flags & 0x0010 != 0 }
    /// The 4-bit RCODE from the header (the EDNS extended bits are not merged in).
    public var responseCode: DNSResponseCode { DNSResponseCode(rawValue: flags & 0x000f) }
}
