import CCaptureReadAhead
import Glibc
import NetwardenInspection
import NetwardenProtocols

/// Classic pcap files (the 24-byte header and 16-byte records tcpdump writes), read in place out
/// of the read-ahead thread's chunks: `netwarden analyze`'s fast path.
///
/// Through libpcap every byte of a file was copied three times before the engine saw it (the
/// kernel into stdio's buffer, stdio into libpcap's, and the read itself pulling it all through
/// the core's caches), and the 1 GB that streamed through L2 evicted the flow table between two
/// packets of the same flow. Here the kernel's copy runs on the read-ahead thread and the engine
/// reads each record where it lies, touching only the headers it decodes.
///
/// Only the files this reader reproduces exactly are taken (``open(path:chunkBytes:)`` says
/// nil for the rest, which go to libpcap): magic 0xa1b2c3d4 or 0xa1b23c4d in either byte order,
/// version 2.4, and a link type the engine decodes with no FCS bits. For those it delivers what
/// libpcap delivers, byte for byte, and fails where libpcap fails with libpcap's words
/// (`PcapFileReaderTests` compares the two on the same files): records longer than the file's
/// snapshot length are cut to it, a record longer than 262,144 bytes is an error, and a record
/// cut short by the end of the file is "truncated dump file".
final class PcapFileReader {
    /// The path, for errors.
    let source: String
    let linkType: LinkType
    private let reader: OpaquePointer
    private let swapped: Bool
    /// 1000 for microsecond files, 1 for nanosecond ones.
    private let ticksToNanoseconds: Int64
    /// The file's snapshot length as libpcap adjusts it (0 or too large: the maximum).
    private let snapshot: Int
    /// Where reading stands: the current chunk and the offset in it. `dispatch` works on a local
    /// copy and stores it back when it returns, because every access to a class's stored `var`
    /// is checked for exclusivity at run time, and this one is touched twice per packet.
    private struct Cursor {
        var chunk = UnsafeRawBufferPointer(start: nil, count: 0)
        var offset = 0
    }
    private var cursor = Cursor()
    /// A record or header that straddles two chunks, put back together.
    private let carry: UnsafeMutableRawBufferPointer
    private var atEnd = false

    /// libpcap's MAXIMUM_SNAPLEN: the largest record it accepts for the link types taken here.
    static let maximumSnapshot = 262_144
    private static let fileHeaderBytes = 24
    private static let recordHeaderBytes = 16

    private init(
        source: String,
        reader: OpaquePointer,
        linkType: LinkType,
        swapped: Bool,
        ticksToNanoseconds: Int64,
        snapshot: Int
    ) {
        self.source = source
        self.reader = reader
        self.linkType = linkType
        self.swapped = swapped
        self.ticksToNanoseconds = ticksToNanoseconds
        self.snapshot = snapshot
        carry = .allocate(byteCount: Self.maximumSnapshot, alignment: 16)
    }

    deinit {
        CCaptureReadAhead_stop(reader)
        carry.deallocate()
    }

    /// Opens `path` if it is a regular file in a format this reader takes; nil (the file closed
    /// again) when it is not, for the caller to hand to libpcap, which also words every error
    /// about files that are not captures.
    static func open(path: String, chunkBytes: Int) throws(CaptureError) -> PcapFileReader? {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var handedOver = false
        defer { if !handedOver { close(descriptor) } }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        var header = [UInt8](repeating: 0, count: fileHeaderBytes)
        guard pread(descriptor, &header, fileHeaderBytes, 0) == fileHeaderBytes else { return nil }
        guard let format = Format(header) else { return nil }
        guard lseek(descriptor, off_t(fileHeaderBytes), SEEK_SET) == off_t(fileHeaderBytes) else { return nil }
        _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_SEQUENTIAL)
        guard let reader = CCaptureReadAhead_start(descriptor, chunkBytes, 4) else { return nil }
        handedOver = true
        return PcapFileReader(
            source: path,
            reader: reader,
            linkType: format.linkType,
            swapped: format.swapped,
            ticksToNanoseconds: format.ticksToNanoseconds,
            snapshot: format.snapshot
        )
    }

    /// What the file header says, when it is a file this reader takes.
    private struct Format {
        var linkType: LinkType
        var swapped: Bool
        var ticksToNanoseconds: Int64
        var snapshot: Int

        init?(_ header: [UInt8]) {
            func word(_ at: Int, swapped: Bool) -> UInt32 {
                let little =
                    UInt32(header[at]) | UInt32(header[at + 1]) << 8 | UInt32(header[at + 2]) << 16
                    | UInt32(header[at + 3]) << 24
                return swapped ? little.byteSwapped : little
            }
            func half(_ at: Int, swapped: Bool) -> UInt16 {
                let little = UInt16(header[at]) | UInt16(header[at + 1]) << 8
                return swapped ? little.byteSwapped : little
            }
            // This machine is little-endian (x86-64, arm64): a big-endian file reads swapped.
            let magic = word(0, swapped: false)
            switch magic {
            case 0xa1b2_c3d4: (swapped, ticksToNanoseconds) = (false, 1000)
            case 0xa1b2_3c4d: (swapped, ticksToNanoseconds) = (false, 1)
            case 0xd4c3_b2a1: (swapped, ticksToNanoseconds) = (true, 1000)
            case 0x4d3c_b2a1: (swapped, ticksToNanoseconds) = (true, 1)
            default: return nil
            }
            // 2.4 only: older versions may have caplen and len the other way round.
            guard half(4, swapped: swapped) == 2, half(6, swapped: swapped) == 4 else { return nil }
            let fileLinkType = word(20, swapped: swapped)
            switch fileLinkType {
            // LINKTYPE_RAW is read as DLT_RAW, as libpcap's linktype_to_dlt does.
            case LinkType.linktypeRaw.rawValue: linkType = .raw
            case LinkType.ethernet.rawValue, LinkType.linuxSLL.rawValue, LinkType.linuxSLL2.rawValue,
                LinkType.ipv4.rawValue, LinkType.ipv6.rawValue:
                linkType = LinkType(rawValue: fileLinkType)
            default: return nil  // other types (and FCS bits in the top six) are libpcap's
            }
            let snaplen = Int(word(16, swapped: swapped))
            snapshot =
                snaplen == 0 || snaplen > PcapFileReader.maximumSnapshot ? PcapFileReader.maximumSnapshot : snaplen
        }
    }

    // MARK: reading

    /// Delivers up to `maxPackets` records; `.endOfFile` when the file has no more.
    func dispatch(
        maxPackets: Int,
        _ body: (CapturedPacket) -> Void
    ) throws(CaptureError) -> PcapHandle.DispatchOutcome {
        var cursor = self.cursor
        defer { self.cursor = cursor }
        var delivered = 0
        while delivered < maxPackets {
            guard let header = try bytes(Self.recordHeaderBytes, &cursor, allowingEnd: true) else { return .endOfFile }
            let seconds = Int64(Int32(bitPattern: field(header, 0)))
            let fraction = Int64(Int32(bitPattern: field(header, 4))) &* ticksToNanoseconds
            let capturedLength = field(header, 8)
            let originalLength = Int(field(header, 12))
            guard capturedLength <= UInt32(Self.maximumSnapshot) else {
                throw failure(
                    capturedLength > UInt32(snapshot)
                        ? "invalid packet capture length \(capturedLength), bigger than snaplen of \(snapshot)"
                        : "invalid packet capture length \(capturedLength), bigger than maximum of \(Self.maximumSnapshot)"
                )
            }
            let captured = Int(capturedLength)
            let kept = min(captured, snapshot)
            guard var frame = try bytes(kept, &cursor, allowingEnd: false, wanted: kept) else { return .endOfFile }
            if kept < captured {
                // As libpcap does: the rest of an over-long record is read and dropped. Skipping
                // may hand the frame's chunk back to the thread, so the frame moves to `carry`.
                if frame.baseAddress != UnsafeRawPointer(carry.baseAddress) {
                    UnsafeMutableRawBufferPointer(rebasing: carry[0..<kept]).copyMemory(from: frame)
                    frame = UnsafeRawBufferPointer(rebasing: carry[0..<kept])
                }
                try skip(captured - kept, &cursor, wanted: captured, alreadyRead: kept)
            }
            body(
                CapturedPacket(
                    frame: frame,
                    originalLength: originalLength,
                    time: PacketTime.normalised(seconds: seconds, fraction: fraction),
                    linkType: linkType
                )
            )
            delivered += 1
        }
        return .delivered(delivered)
    }

    @inline(__always)
    private func field(_ header: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        let value = header.loadUnaligned(fromByteOffset: at, as: UInt32.self)
        return swapped ? value.byteSwapped : value
    }

    /// The next `count` bytes: in place when the current chunk holds them all, otherwise put
    /// together in `carry`. nil at a clean end of the file (only when `allowingEnd` and nothing
    /// of the header was read); a short read is libpcap's "truncated dump file".
    @inline(__always)
    private func bytes(
        _ count: Int,
        _ cursor: inout Cursor,
        allowingEnd: Bool,
        wanted: Int? = nil
    ) throws(CaptureError) -> UnsafeRawBufferPointer? {
        if cursor.chunk.count - cursor.offset >= count {
            let start = cursor.offset
            cursor.offset += count
            return UnsafeRawBufferPointer(rebasing: cursor.chunk[start..<start + count])
        }
        return try assemble(count, &cursor, allowingEnd: allowingEnd, wanted: wanted)
    }

    private func assemble(
        _ count: Int,
        _ cursor: inout Cursor,
        allowingEnd: Bool,
        wanted: Int?
    ) throws(CaptureError) -> UnsafeRawBufferPointer? {
        var filled = 0
        while filled < count {
            if cursor.offset == cursor.chunk.count {
                guard try nextChunk(&cursor) else {
                    if filled == 0 && allowingEnd { return nil }
                    throw failure(
                        wanted == nil
                            ? "truncated dump file; tried to read \(count) header bytes, only got \(filled)"
                            : "truncated dump file; tried to read \(wanted ?? count) captured bytes, only got \(filled)"
                    )
                }
            }
            let take = min(count - filled, cursor.chunk.count - cursor.offset)
            UnsafeMutableRawBufferPointer(rebasing: carry[filled..<filled + take])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: cursor.chunk[cursor.offset..<cursor.offset + take]))
            filled += take
            cursor.offset += take
        }
        return UnsafeRawBufferPointer(rebasing: carry[0..<count])
    }

    private func skip(_ count: Int, _ cursor: inout Cursor, wanted: Int, alreadyRead: Int) throws(CaptureError) {
        var left = count
        while left > 0 {
            if cursor.offset == cursor.chunk.count {
                guard try nextChunk(&cursor) else {
                    throw failure(
                        "truncated dump file; tried to read \(wanted) captured bytes, only got \(alreadyRead + count - left)"
                    )
                }
            }
            let take = min(left, cursor.chunk.count - cursor.offset)
            cursor.offset += take
            left -= take
        }
    }

    /// Moves to the next chunk (handing the current one back to the thread); false at the end.
    private func nextChunk(_ cursor: inout Cursor) throws(CaptureError) -> Bool {
        if atEnd { return false }
        var start: UnsafePointer<UInt8>?
        let length = CCaptureReadAhead_next(reader, &start)
        if length < 0 {
            throw failure("error reading dump file: \(String(cString: strerror(errno)))")
        }
        guard length > 0, let start else {
            atEnd = true
            cursor = Cursor()
            return false
        }
        cursor = Cursor(chunk: UnsafeRawBufferPointer(start: start, count: length), offset: 0)
        return true
    }

    private func failure(_ message: String) -> CaptureError {
        CaptureError(.readFailed, message, source: source)
    }
}

extension PacketTime {
    /// A capture timestamp with its fraction brought into 0..<1e9 ns: libpcap does not
    /// range-check a file's fraction field, and a corrupt 1,500,000 µs must read as 1.5 s later,
    /// not be cut to its last nine digits. Division rounds towards minus infinity, so a
    /// negative fraction borrows a second.
    @inline(__always)
    static func normalised(seconds: Int64, fraction: Int64) -> PacketTime {
        if (0..<1_000_000_000).contains(fraction) {
            return PacketTime(seconds: seconds, nanoseconds: Int32(fraction))
        }
        var carried = fraction / 1_000_000_000
        if fraction % 1_000_000_000 < 0 { carried -= 1 }
        return PacketTime(seconds: seconds &+ carried, nanoseconds: Int32(fraction - carried * 1_000_000_000))
    }
}
