/// Why a netlink exchange failed: malformed bytes, an error the kernel reported, or a limit we hit.
///
/// A struct with a `Code` rather than an enum, so new cases never break callers (STYLE.md).
/// `offset` says where in the input a decoding problem sits, which is what someone debugging a
/// recorded dump needs first.
public struct NetlinkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Fewer bytes than a header or a fixed-size field needs.
        public static let truncated = Code("truncated")
        /// A length field that is too small for its own header or runs past its container.
        public static let badLength = Code("badLength")
        /// Nested attributes deeper than the decoder allows.
        public static let nestingTooDeep = Code("nestingTooDeep")
        /// A required attribute is missing or has the wrong size.
        public static let badAttribute = Code("badAttribute")
        /// NLMSG_ERROR with a non-zero error, or NLMSG_DONE carrying one; `errno` is set.
        public static let kernelError = Code("kernelError")
        /// NLMSG_OVERRUN: the kernel dropped messages, so the dump is incomplete.
        public static let overrun = Code("overrun")
        /// A dump exceeded the byte or message cap the caller set.
        public static let limitExceeded = Code("limitExceeded")
        /// The kernel marked the dump inconsistent (NLM_F_DUMP_INTR): it changed while we read.
        public static let interrupted = Code("interrupted")
    }

    public var code: Code
    public var message: String
    /// Byte offset in the input where the problem was found, when decoding.
    public var offset: Int?
    /// The positive errno the kernel reported, for `.kernelError`.
    public var errno: Int32?
    /// The kernel's extended-ack text (NLMSGERR_ATTR_MSG), when it sent one.
    public var kernelMessage: String?

    public init(_ code: Code, _ message: String, offset: Int? = nil, errno: Int32? = nil, kernelMessage: String? = nil)
    {
        self.code = code
        self.message = message
        self.offset = offset
        self.errno = errno
        self.kernelMessage = kernelMessage
    }

    public var description: String {
        var text = "netlink \(code): \(message)"
        if let offset { text += " at offset \(offset)" }
        if let errno { text += " (errno \(errno))" }
        if let kernelMessage { text += ": \(kernelMessage)" }
        return text
    }
}
