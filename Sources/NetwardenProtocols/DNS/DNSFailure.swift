/// Why a DNS message could not be read (a counter key, and a test oracle).
///
/// Decoding stops at the first failure: nothing in a message is trusted, so a header claiming
/// 65,535 answers in a 40-byte message ends in ``truncated`` after the bytes run out.
public enum DNSFailure: Error, Hashable, Sendable, CaseIterable {
    /// The message ends inside a header, name or record.
    case truncated
    /// A name longer than 255 bytes on the wire (RFC 1035 3.1).
    case nameTooLong
    /// A compression pointer to its own position or later; only earlier data may be referenced.
    case forwardPointer
    /// A compression pointer back into the chain already followed, or more than
    /// ``DNSNameDecoder/maxPointerHops`` pointers in one name.
    case pointerLoop
    /// A label type other than a plain label or a pointer (the 0x40/0x80 forms are unused).
    case badLabelType
    /// A label containing a dot, which would make the dotted text ambiguous.
    case badLabelCharacter
    /// Record data that contradicts its type (an A record that is not 4 bytes, a name that runs
    /// past RDLENGTH, ...).
    case badRecordData
    /// SVCB/HTTPS parameters out of order, overrunning, or with a malformed `alpn`.
    case badServiceParameters

    /// Stable snake_case label value for metrics.
    public var name: String {
        switch self {
        case .truncated: "truncated"
        case .nameTooLong: "name_too_long"
        case .forwardPointer: "forward_pointer"
        case .pointerLoop: "pointer_loop"
        case .badLabelType: "bad_label_type"
        case .badLabelCharacter: "bad_label_character"
        case .badRecordData: "bad_record_data"
        case .badServiceParameters: "bad_service_parameters"
        }
    }
}
