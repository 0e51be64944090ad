/// A QUIC version whose Initial packets this module can open, with the per-version constants
/// that differ between them (salt, HKDF labels, long-header type bits).
///
/// Initial packets are protected with keys anyone can derive from the client's Destination
/// Connection ID, but each version picked its own salt and labels precisely so that middleboxes
/// hard-coding v1 would break on v2. We therefore treat every version as an explicit table entry and
/// refuse unknown ones instead of guessing.
///
/// The table holds every version whose Initial salt was published and whose long header has the
/// one-byte Connection ID lengths we parse (draft 22 onwards):
///
/// | version              | salt                                        | labels   |
/// |----------------------|---------------------------------------------|----------|
/// | draft-22             | 0x7fbcdb0e… (draft-ietf-quic-tls-21/22)     | "quic"   |
/// | drafts 23 to 28      | 0xc3eef712… (draft-ietf-quic-tls-23)        | "quic"   |
/// | drafts 29 to 32      | 0xafbfec28… (draft-ietf-quic-tls-29)        | "quic"   |
/// | drafts 33, 34 and v1 | 0x38762cf7… (RFC 9001 §5.2)                 | "quic"   |
/// | v2                   | 0x0dede3de… (RFC 9369 §3.3.1)               | "quicv2" |
///
/// Draft versions are 0xff000000 + the draft number. Wireshark and nDPI read the same set.
public struct QUICVersion: Sendable, Hashable {
    /// The 32-bit version number on the wire.
    public let rawValue: UInt32
    /// The HKDF-Extract salt for the initial secret (20 bytes for every published version).
    let initialSalt: [UInt8]
    /// Label prefix for the packet-protection keys ("quic" or "quicv2"), before " key"/" iv"/" hp".
    let labelPrefix: String
    /// Long-header type bits (0x30 mask, shifted down) that mean "Initial" in this version; the
    /// other kinds follow in order (see `typeBits(for:)`).
    let initialTypeBits: UInt8

    private init(rawValue: UInt32, initialSalt: [UInt8], labelPrefix: String, initialTypeBits: UInt8) {
        self.rawValue = rawValue
        self.initialSalt = initialSalt
        self.labelPrefix = labelPrefix
        self.initialTypeBits = initialTypeBits
    }

    /// The wire number decides every other field.
    public static func == (lhs: QUICVersion, rhs: QUICVersion) -> Bool { lhs.rawValue == rhs.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    /// RFC 9001 §5.2; also drafts 33 and 34, which already used it.
    private static let v1Salt: [UInt8] = [
        0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
        0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a,
    ]
    /// draft-ietf-quic-tls-29 §5.2, used by drafts 29 to 32.
    private static let draft29Salt: [UInt8] = [
        0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97,
        0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99,
    ]
    /// draft-ietf-quic-tls-23 §5.2, used by drafts 23 to 28.
    private static let draft23Salt: [UInt8] = [
        0xc3, 0xee, 0xf7, 0x12, 0xc7, 0x2e, 0xbb, 0x5a, 0x11, 0xa7,
        0xd2, 0x43, 0x2b, 0xb4, 0x63, 0x65, 0xbe, 0xf9, 0xf5, 0x02,
    ]
    /// draft-ietf-quic-tls-21 §5.2, used by drafts 21 and 22 (21 still had the old header).
    private static let draft22Salt: [UInt8] = [
        0x7f, 0xbc, 0xdb, 0x0e, 0x7c, 0x66, 0xbb, 0xe9, 0x19, 0x3a,
        0x96, 0xcd, 0x21, 0x51, 0x9e, 0xbd, 0x7a, 0x02, 0x64, 0x4a,
    ]

    /// RFC 9000/9001 QUIC version 1.
    public static let v1 = QUICVersion(
        rawValue: 0x0000_0001,
        initialSalt: v1Salt,
        labelPrefix: "quic",
        initialTypeBits: 0
    )

    /// RFC 9369 QUIC version 2: new salt, "quicv2" labels and rotated packet-type bits.
    public static let v2 = QUICVersion(
        rawValue: 0x6b33_43cf,
        initialSalt: [
            0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
            0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9,
        ],
        labelPrefix: "quicv2",
        initialTypeBits: 1
    )

    /// The first and last IETF drafts in the table.
    static let firstDraft: UInt32 = 22
    static let lastDraft: UInt32 = 34

    /// Every draft from 22 to 34, built once: `known` runs for every long header, so it must
    /// hand out a stored entry rather than build a salt array per packet.
    private static let drafts: [QUICVersion] = (firstDraft...lastDraft).map { number in
        let salt: [UInt8] =
            switch number {
            case ...22: draft22Salt
            case ...28: draft23Salt
            case ...32: draft29Salt
            default: v1Salt
            }
        return QUICVersion(
            rawValue: 0xff00_0000 | number,
            initialSalt: salt,
            labelPrefix: "quic",
            initialTypeBits: 0
        )
    }

    /// draft-ietf-quic-tls-NN for NN in 22...34, or `nil` outside the table.
    public static func draft(_ number: Int) -> QUICVersion? {
        guard number >= Int(firstDraft), number <= Int(lastDraft) else { return nil }
        return drafts[number - Int(firstDraft)]
    }

    /// draft-ietf-quic-tls-29 ("h3-29"), still sent by older Chrome builds and some apps.
    public static let draft29 = drafts[29 - Int(firstDraft)]

    /// The version table entry for a wire version number, or `nil` when we cannot open its Initials.
    public static func known(_ rawValue: UInt32) -> QUICVersion? {
        switch rawValue {
        case v1.rawValue: v1
        case v2.rawValue: v2
        case (0xff00_0000 | firstDraft)...(0xff00_0000 | lastDraft): drafts[Int(rawValue & 0xff - firstDraft)]
        default: nil
        }
    }

    /// The long-header type bits (bits 4 and 5 of the first byte) this version uses for `kind`.
    /// v1 and the drafts number Initial, 0-RTT, Handshake, Retry as 0 to 3; v2 rotates them by
    /// one (RFC 9369 §3.2), so a v1 0-RTT type would read as a v2 Initial.
    public func typeBits(for kind: QUICLongHeader.Kind) -> UInt8 {
        let offset: UInt8 =
            switch kind {
            case .initial: 0
            case .zeroRTT: 1
            case .handshake: 2
            case .retry: 3
            }
        return (initialTypeBits + offset) & 0x03
    }

    /// The packet kind that `typeBits` means in this version.
    func kind(typeBits: UInt8) -> QUICLongHeader.Kind {
        switch (typeBits &- initialTypeBits) & 0x03 {
        case 0: .initial
        case 1: .zeroRTT
        case 2: .handshake
        default: .retry
        }
    }

    /// RFC 9000 reserves Connection IDs of at most 20 bytes for v1; v2 and the late drafts agree.
    static let maxConnectionIDLength = 20
}

extension QUICVersion: CustomStringConvertible {
    /// "v1", "v2", "draft-29": the form technicians see in logs and metric labels.
    public var description: String {
        switch rawValue {
        case Self.v1.rawValue: "v1"
        case Self.v2.rawValue: "v2"
        default: "draft-\(rawValue & 0xff)"
        }
    }
}
