/// One interface's line of `/proc/net/wireless`, the wireless-extensions statistics table.
///
/// The fallback when nl80211 is unavailable (old kernels, some vendor drivers, containers
/// without generic netlink). Kernel format, after two header lines:
/// ```
///  wlan0: 0000   70.  -40.  -256        0      0      0      0      0        0
/// ```
/// status (hex), link quality, level, noise (each followed by '.' when freshly updated),
/// discarded packets (nwid, crypt, frag, retry, misc), missed beacons.
public struct ProcNetWirelessEntry: Sendable, Equatable {
    public var interface: String
    public var status: UInt16
    /// Driver-defined scale (commonly out of 70 or 100); only comparable on one driver.
    public var linkQuality: Double
    /// `nil` when the driver reports no dBm level (0, or the 8-bit "no value" -256).
    public var signalDBm: Int?
    public var noiseDBm: Int?
    public var discardedNwid: UInt64
    public var discardedCrypt: UInt64
    public var discardedFragment: UInt64
    public var discardedRetry: UInt64
    public var discardedMisc: UInt64
    public var missedBeacons: UInt64

    public init(
        interface: String,
        status: UInt16 = 0,
        linkQuality: Double,
        signalDBm: Int?,
        noiseDBm: Int?,
        discardedNwid: UInt64 = 0,
        discardedCrypt: UInt64 = 0,
        discardedFragment: UInt64 = 0,
        discardedRetry: UInt64 = 0,
        discardedMisc: UInt64 = 0,
        missedBeacons: UInt64 = 0
    ) {
        self.interface = interface
        self.status = status
        self.linkQuality = linkQuality
        self.signalDBm = signalDBm
        self.noiseDBm = noiseDBm
        self.discardedNwid = discardedNwid
        self.discardedCrypt = discardedCrypt
        self.discardedFragment = discardedFragment
        self.discardedRetry = discardedRetry
        self.discardedMisc = discardedMisc
        self.missedBeacons = missedBeacons
    }
}

/// Parser for `/proc/net/wireless` text.
public enum ProcNetWireless {
    /// Parsed entries and a count of lines that were neither headers nor valid entries.
    public struct ParseResult: Sendable, Equatable {
        public var entries: [ProcNetWirelessEntry]
        public var malformedLines: Int

        public init(entries: [ProcNetWirelessEntry], malformedLines: Int) {
            self.entries = entries
            self.malformedLines = malformedLines
        }
    }

    /// Parses the whole file. A bad line is counted and skipped, never fatal: one odd driver must
    /// not hide the other interfaces.
    public static func parse(_ text: String) -> ParseResult {
        var result = ParseResult(entries: [], malformedLines: 0)
        for line in text.split(whereSeparator: \.isNewline) {
            // The two header lines are the only ones with '|' column separators.
            if line.contains("|") || line.allSatisfy(\.isWhitespace) { continue }
            if let entry = parseLine(line) {
                result.entries.append(entry)
            } else {
                result.malformedLines += 1
            }
        }
        return result
    }

    static func parseLine(_ line: Substring) -> ProcNetWirelessEntry? {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let name = line[..<colon].trimmingWhitespace()
        let fields = line[line.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard !name.isEmpty, fields.count >= 10, let status = UInt16(fields[0], radix: 16),
            let quality = number(fields[1]), let level = number(fields[2]), let noise = number(fields[3])
        else { return nil }
        var counters: [UInt64] = []
        for field in fields[4..<10] {
            guard let value = UInt64(field) else { return nil }
            counters.append(value)
        }
        return ProcNetWirelessEntry(
            interface: String(name),
            status: status,
            linkQuality: Double(quality),
            signalDBm: dBm(level),
            noiseDBm: dBm(noise),
            discardedNwid: counters[0],
            discardedCrypt: counters[1],
            discardedFragment: counters[2],
            discardedRetry: counters[3],
            discardedMisc: counters[4],
            missedBeacons: counters[5]
        )
    }

    /// An integer with the optional trailing '.' the kernel appends to freshly updated values.
    private static func number(_ field: Substring) -> Int? {
        Int(field.hasSuffix(".") ? field.dropLast() : field)
    }

    /// Normalises a level or noise figure to dBm.
    ///
    /// Current kernels print signed dBm (e.g. -40). Old kernels and drivers printed the raw
    /// 8-bit value, where dBm is stored as `256 + dBm` (216 for -40); values in 128...255 are
    /// taken as that encoding. -256 is the 8-bit zero ("no value") after the kernel's own
    /// subtraction, and 0 dBm is not a level a receiver reports; both mean "unknown". Small
    /// positive numbers are relative levels of drivers without dBm, which we cannot convert.
    static func dBm(_ raw: Int) -> Int? {
        switch raw {
        case -255 ... -1: raw
        case 128...255: raw - 256
        default: nil
        }
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var text = self
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return text
    }
}
