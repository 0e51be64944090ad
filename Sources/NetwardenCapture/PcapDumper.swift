import CPcap
import Glibc
import NetwardenInspection
import NetwardenProtocols

/// A pcap file being written (`pcap_dumper_t *` and the dead `pcap_t *` that describes it),
/// owned: created in init, flushed and closed in deinit. For the benchmark generator, tests and
/// any future "save what we saw" feature.
///
/// Files are written with nanosecond timestamps (magic 0xa1b23c4d), so ``PacketTime`` survives a
/// round trip exactly. libpcap writes pcap only; convert with `editcap -F pcapng` for pcapng.
public final class PcapDumper {
    private let deadHandle: OpaquePointer
    private let dumper: OpaquePointer
    public let path: String

    /// Creates (or replaces) `path`. `linkType` is a DLT value as handles report it (``LinkType/raw``
    /// for bare IP); libpcap writes the matching LINKTYPE number into the file.
    public init(path: String, linkType: LinkType, snapshotLength: Int32 = 262_144) throws(CaptureError) {
        guard
            let dead = pcap_open_dead_with_tstamp_precision(
                Int32(bitPattern: linkType.rawValue),
                snapshotLength,
                UInt32(PCAP_TSTAMP_PRECISION_NANO)
            )
        else {
            throw CaptureError(.writeFailed, "pcap_open_dead failed (out of memory?)", source: path)
        }
        guard let dumper = pcap_dump_open(dead, path) else {
            let reason = String(cString: pcap_geterr(dead))
            // Not yet owned by self (init has not finished), so deinit would not close it.
            pcap_close(dead)
            throw CaptureError(.writeFailed, "cannot create capture file: \(reason)", source: path)
        }
        self.deadHandle = dead
        self.dumper = dumper
        self.path = path
    }

    deinit {
        pcap_dump_close(dumper)
        pcap_close(deadHandle)
    }

    /// Appends one packet. `originalLength` defaults to the frame's size (nothing cut off).
    /// libpcap buffers the write; errors surface at ``flush()``.
    public func write(_ frame: UnsafeRawBufferPointer, originalLength: Int? = nil, time: PacketTime) {
        var header = pcap_pkthdr()
        // With nanosecond precision, libpcap stores `tv_usec` as nanoseconds.
        header.ts = timeval(tv_sec: Int(time.seconds), tv_usec: Int(time.nanoseconds))
        header.caplen = UInt32(frame.count)
        header.len = UInt32(originalLength ?? frame.count)
        var empty: UInt8 = 0
        let bytes = frame.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? withUnsafePointer(to: &empty) { $0 }
        pcap_dump(UnsafeMutablePointer<UInt8>(dumper), &header, bytes)
    }

    /// Appends one packet from an array.
    public func write(_ frame: [UInt8], originalLength: Int? = nil, time: PacketTime) {
        frame.withUnsafeBytes { write($0, originalLength: originalLength, time: time) }
    }

    /// Pushes buffered packets to the file; throws if the disk refused them.
    public func flush() throws(CaptureError) {
        guard pcap_dump_flush(dumper) == 0 else {
            throw CaptureError(.writeFailed, "writing failed: \(String(cString: strerror(errno)))", source: path)
        }
    }
}
