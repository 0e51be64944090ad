import Glibc

/// Unmaps the pages of code and read-only data that start-up touched and the running daemon does
/// not use again.
///
/// Start-up runs code the idle daemon never runs again (argument parsing, the config parser and
/// schema, list loading, service set-up), and the kernel maps file pages around every fault
/// (64 KiB by default), so after start-up about 30 MiB of the binary and its libraries count in
/// the daemon's RSS while its steady state touches far fewer. Those pages are exact copies of
/// their files: dropping the page-table entries (`MADV_DONTNEED`) leaves the page cache alone, and
/// the next access maps the same bytes again with a minor fault. What is still in use comes back
/// within a round of probes; the rest stops counting against the daemon and becomes ordinary
/// page cache the kernel can reclaim.
///
/// Only mappings whose every resident page is the file's page-cache page qualify: file-backed,
/// not writable, no private (copy-on-write) or swapped pages (the dynamic loader's relocated RELRO
/// pages have those and are never touched), not locked and not device memory.
public enum CleanFilePages {
    /// One mapping of `/proc/PID/smaps` that qualifies.
    public struct Mapping: Equatable, Sendable {
        public var start: UInt
        public var end: UInt
        public var path: String
        /// Resident when smaps was read.
        public var residentKiB: Int

        public init(start: UInt, end: UInt, path: String, residentKiB: Int) {
            self.start = start
            self.end = end
            self.path = path
            self.residentKiB = residentKiB
        }
    }

    /// What one release did.
    public struct Report: Equatable, Sendable {
        /// Mappings advised.
        public var mappings: Int
        /// Their resident size just before.
        public var residentKiB: Int
        /// Mappings the kernel refused (left as they were).
        public var failures: Int

        public init(mappings: Int, residentKiB: Int, failures: Int) {
            self.mappings = mappings
            self.residentKiB = residentKiB
            self.failures = failures
        }
    }

    /// The qualifying mappings of an smaps text, with at least one resident page. Lines that do
    /// not parse end the mapping they belong to without qualifying it.
    public static func releasable(smaps: String) -> [Mapping] {
        var selection = Selection()
        for line in smaps.split(separator: "\n", omittingEmptySubsequences: true) { selection.take(line) }
        return selection.finish()
    }

    /// Reads the process's own smaps and drops the resident pages of every qualifying mapping.
    public static func release(smapsPath: String = "/proc/self/smaps") -> Report {
        var report = Report(mappings: 0, residentKiB: 0, failures: 0)
        guard let mappings = readSelection(smapsPath) else { return report }
        for mapping in mappings {
            let address = UnsafeMutableRawPointer(bitPattern: mapping.start)
            if madvise(address, Int(mapping.end - mapping.start), MADV_DONTNEED) == 0 {
                report.mappings += 1
                report.residentKiB += mapping.residentKiB
            } else {
                report.failures += 1
            }
        }
        return report
    }

    /// smaps a line at a time through a small buffer: the whole text (hundreds of KiB) would
    /// grow a malloc arena that `malloc_trim` cannot shrink again, undoing part of the release.
    private static func readSelection(_ path: String) -> [Mapping]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var selection = Selection()
        var chunk = [UInt8](repeating: 0, count: 8192)
        var line: [UInt8] = []
        line.reserveCapacity(512)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            for byte in chunk[..<count] {
                if byte == UInt8(ascii: "\n") {
                    selection.take(Substring(String(decoding: line, as: UTF8.self)))
                    line.removeAll(keepingCapacity: true)
                } else {
                    line.append(byte)
                }
            }
        }
        if !line.isEmpty { selection.take(Substring(String(decoding: line, as: UTF8.self))) }
        return selection.finish()
    }

    /// Qualifying mappings collected from smaps lines fed in order.
    private struct Selection {
        private var found: [Mapping] = []
        private var current: Candidate?

        mutating func take(_ line: Substring) {
            if let header = Candidate(header: line) {
                if let done = current?.mapping { found.append(done) }
                current = header
            } else {
                current?.read(field: line)
            }
        }

        mutating func finish() -> [Mapping] {
            if let done = current?.mapping { found.append(done) }
            current = nil
            return found
        }
    }

    /// One smaps entry being read: its header, then `Key: value kB` lines.
    private struct Candidate {
        var start: UInt
        var end: UInt
        var path: String
        var qualifies: Bool
        var residentKiB = 0

        /// `start-end perms offset dev inode [path]`; nil when the line is not a header.
        init?(header line: Substring) {
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count >= 5, let dash = fields[0].firstIndex(of: "-"),
                let start = UInt(fields[0][..<dash], radix: 16),
                let end = UInt(fields[0][fields[0].index(after: dash)...], radix: 16),
                fields[1].utf8.count == 4
            else { return nil }
            let perms = Array(fields[1].utf8)
            self.start = start
            self.end = end
            path = fields.count == 6 ? String(fields[5].drop(while: { $0 == " " })) : ""
            // Pseudo-mappings ([heap], [vdso]) and anonymous memory are not file copies; a file
            // deleted since it was mapped is left alone rather than reasoned about.
            qualifies =
                perms[0] == UInt8(ascii: "r") && perms[1] != UInt8(ascii: "w") && path.hasPrefix("/")
                && !path.hasSuffix(" (deleted)") && end > start
        }

        mutating func read(field line: Substring) {
            guard qualifies else { return }
            guard let colon = line.firstIndex(of: ":") else {
                qualifies = false
                return
            }
            let key = line[..<colon]
            let value = line[line.index(after: colon)...]
            if key == "VmFlags" {
                // Locked, device or pure-PFN memory is not page cache.
                let flags = value.split(separator: " ")
                if flags.contains("lo") || flags.contains("io") || flags.contains("pf") { qualifies = false }
                return
            }
            guard let kib = Int(value.split(separator: " ").first ?? "") else { return }
            switch key {
            case "Rss": residentKiB = kib
            // Dirty page-cache pages (a file written moments ago) are still the file's: dropping
            // the entries leaves them, and their writeback, to the page cache.
            case "Anonymous", "Swap", "Private_Hugetlb", "Shared_Hugetlb":
                if kib != 0 { qualifies = false }
            default: break
            }
        }

        var mapping: Mapping? {
            guard qualifies, residentKiB > 0 else { return nil }
            return Mapping(start: start, end: end, path: path, residentKiB: residentKiB)
        }
    }
}
