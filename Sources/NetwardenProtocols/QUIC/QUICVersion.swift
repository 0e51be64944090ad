/// A QUIC version whose Initial packets this module can open, with the per-version constants
/// that differ between them (salt, HKDF labels, long-header type bits).
///
/// Initial packets are protected with keys anyone can derive from the client's Destination
/// Connection ID, but each version picked its own salt and labels precisely so that middleboxes
/// hard-coding v1 would break on v2. We therefore treat every version as an explicit table entry and
/// refuse unknown ones instead of guessing.
public struct QUICVersion: Sendable, Hashable {
    /// The 32-bit version number on the wire.
    public let rawValue: UInt32
    /// HKDF-Extract salt for the initial secret.
    let initialSalt: [UInt8]
    /// Label prefix for the packet-protection keys ("quic" or "quicv2"), before " key"/" iv"/" hp".
    let labelPrefix: String
    /// Long-header type bits (0x30 mask, shifted down) that mean "Initial" in this version.
    let initialTypeBits: UInt8
    /// Long-header type bits that mean "Retry" (a Retry has no Length field, so skipping needs it).
    let retryTypeBits: UInt8

    /// RFC 9000/9001 QUIC version 1.
    public static let v1 = QUICVersion(
        rawValue: 0x0000_0001,
        initialSalt: [
            0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
            0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a,
        ],
        labelPrefix: "quic",
        initialTypeBits: 0,
        retryTypeBits: 3
    )

    /// RFC 9369 QUIC version 2: new salt, "quicv2" labels and rotated packet-type bits.
    public static let v2 = QUICVersion(
        rawValue: 0x6b33_43cf,
        initialSalt: [
            0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
            0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9,
        ],
        labelPrefix: "quicv2",
        initialTypeBits: 1,
        retryTypeBits: 0
    )

    /// draft-ietf-quic-tls-29 ("h3-29"), still sent by older Chrome builds and some apps.
    public static let draft29 = draft(0xff00_001d)

    /// Drafts 29 to 32 share draft-29's salt and v1's labels; draft 33 onwards used the v1 salt.
    private static func draft(_ rawValue: UInt32) -> QUICVersion {
        QUICVersion(
            rawValue: rawValue,
            initialSalt: [
                0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97,
                0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99,
            ],
            labelPrefix: "quic",
            initialTypeBits: 0,
            retryTypeBits: 3
        )
    }

    /// The version table entry for a wire version number, or `nil` when we cannot open its Initials.
    public static func known(_ rawValue: UInt32) -> QUICVersion? {
        switch rawValue {
        case v1.rawValue: v1
        case v2.rawValue: v2
        case 0xff00_001d...0xff00_0020: draft(rawValue)
        default: nil
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
