/// Why opening, filtering, reading or writing a capture failed.
///
/// The message is libpcap's own text where it has one, prefixed by what we were doing, and
/// `source` names the interface or file, so a technician can act on the line as logged.
public struct CaptureError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. A struct rather than an enum so new kinds never break callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Capturing needs CAP_NET_RAW (and CAP_NET_ADMIN for some options); the process lacks it.
        public static let permissionDenied = Code("permission denied")
        /// No network interface of that name (in this network namespace).
        public static let noSuchDevice = Code("no such device")
        /// The interface exists but is down.
        public static let interfaceNotUp = Code("interface not up")
        /// libpcap refused to open or activate the handle for another reason.
        public static let openFailed = Code("open failed")
        /// The capture file does not exist.
        public static let fileNotFound = Code("file not found")
        /// The file exists but is not a pcap or pcapng capture libpcap can read.
        public static let unreadableFile = Code("unreadable file")
        /// The BPF expression does not compile, or the kernel refused the program.
        public static let invalidFilter = Code("invalid filter")
        /// Reading packets failed (interface gone, truncated file, socket error).
        public static let readFailed = Code("read failed")
        /// pcap_stats is not available (offline handles) or failed.
        public static let statisticsUnavailable = Code("statistics unavailable")
        /// Writing a capture file failed.
        public static let writeFailed = Code("write failed")
    }

    public var code: Code
    /// What went wrong, in libpcap's words where it gave any.
    public var message: String
    /// The interface or file the failure is about.
    public var source: String
    /// libpcap's status code (`PCAP_ERROR_*`, `PCAP_WARNING_*`) when one was returned.
    public var pcapStatus: Int32?

    public init(_ code: Code, _ message: String, source: String, pcapStatus: Int32? = nil) {
        self.code = code
        // libpcap often starts its own text with the interface or file ("nope0: No such device
        // exists"); `description` puts `source` in front already, so a second copy is dropped.
        self.message = source.isEmpty ? message : Self.dropping(source + ": ", from: message)
        self.source = source
        self.pcapStatus = pcapStatus
    }

    public var description: String { "\(source): \(message)" }

    /// `message` without its first `prefix`, wherever libpcap put it ("cannot read capture
    /// file: FILE: ..." as well as "FILE: ...").
    static func dropping(_ prefix: String, from message: String) -> String {
        guard let range = message.firstRange(of: prefix) else { return message }
        return String(message[..<range.lowerBound]) + String(message[range.upperBound...])
    }
}
