import CCaptureReadAhead
import CPcap
import Glibc
import NetwardenInspection
import NetwardenProtocols

/// One libpcap handle (`pcap_t *`), owned: opened by ``openLive(interface:options:)`` or
/// ``openOffline(path:)``, closed in deinit. Nothing else in the project touches the pointer.
///
/// Not thread-safe, like libpcap itself: one thread opens, filters, reads and closes a handle.
/// Live capture runs on a dedicated thread (see ``CaptureRunner``), which owns its handle.
public final class PcapHandle {
    private let handle: OpaquePointer
    /// The interface or file, for error messages.
    public let source: String
    /// The handle's link-layer header type, fixed once activated (or opened, for files).
    public private(set) var linkType: LinkType
    /// Warnings `pcap_activate` reported (for example promiscuous mode not supported); the handle
    /// works, but the operator should hear about them.
    public private(set) var activationWarnings: [String] = []
    /// 1 when libpcap delivers nanoseconds in `ts.tv_usec`, 1000 when the kernel or file only
    /// gave microseconds and the precision request fell back.
    private var nanosecondsPerTick: Int32 = 1

    private init(owning handle: OpaquePointer, source: String) {
        self.handle = handle
        self.source = source
        self.linkType = LinkType(rawValue: 0)
    }

    /// The stdio buffer of an offline handle's stream; freed after `pcap_close` has closed it.
    private var streamBuffer: UnsafeMutablePointer<CChar>?

    deinit {
        pcap_close(handle)
        streamBuffer?.deallocate()
    }

    // MARK: opening

    /// Opens and activates a live capture on `interface` (in the calling thread's network
    /// namespace). Errors say what to fix: missing CAP_NET_RAW, no such interface, interface down.
    public static func openLive(
        interface: String,
        options: LiveCaptureOptions = LiveCaptureOptions()
    ) throws(CaptureError) -> PcapHandle {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let raw = pcap_create(interface, &errorBuffer) else {
            throw CaptureError(.openFailed, errorText(errorBuffer), source: interface)
        }
        // Owned from here on: any throw below closes it through deinit.
        let pcap = PcapHandle(owning: raw, source: interface)
        try pcap.configure("pcap_set_snaplen", pcap_set_snaplen(raw, options.snapshotLength))
        try pcap.configure("pcap_set_buffer_size", pcap_set_buffer_size(raw, options.bufferSize))
        try pcap.configure("pcap_set_promisc", pcap_set_promisc(raw, options.promiscuous ? 1 : 0))
        try pcap.configure("pcap_set_timeout", pcap_set_timeout(raw, options.blockTimeoutMilliseconds))
        // Immediate mode stays off: TPACKET_V3 block batching is what makes one core enough.
        try pcap.configure("pcap_set_immediate_mode", pcap_set_immediate_mode(raw, 0))
        // A kernel without nanosecond packet timestamps is not fatal: fall back to microseconds.
        if pcap_set_tstamp_precision(raw, Int32(PCAP_TSTAMP_PRECISION_NANO)) != 0 {
            pcap.activationWarnings.append("nanosecond timestamps not supported; using microseconds")
        }
        try pcap.activate()
        return pcap
    }

    /// Opens a pcap or pcapng file for reading, with nanosecond timestamps whatever precision the
    /// file was written with. `-` reads standard input, as with tcpdump.
    ///
    /// The file is opened here rather than by `pcap_open_offline` so its stream can be chosen.
    /// A regular file is read ahead (`readAhead`, the default) by a thread of its own in 1 MiB
    /// chunks (CCaptureReadAhead): the kernel's copy out of the page cache, a fifth to a quarter
    /// of `netwarden analyze` on a large capture, then runs on another core while this one
    /// inspects. Anything else (a FIFO,
    /// a device, a directory, or a machine that cannot start the thread) gets a plain stream
    /// with a 128 KiB buffer: libpcap reads a record at a time through stdio, whose default
    /// 4 KiB buffer made a `read(2)` for every four or so packets. Not larger: every byte is
    /// copied twice there, and a buffer that outgrows the core's L2 cache makes both copies miss.
    public static func openOffline(path: String, readAhead: Bool = true) throws(CaptureError) -> PcapHandle {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        if path == "-" {
            guard
                let raw = pcap_open_offline_with_tstamp_precision(
                    path,
                    UInt32(PCAP_TSTAMP_PRECISION_NANO),
                    &errorBuffer
                )
            else {
                throw CaptureError(.unreadableFile, "cannot read capture file: \(errorText(errorBuffer))", source: path)
            }
            return offlineHandle(raw, path: path, streamBuffer: nil)
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let failure = errno
            let code: CaptureError.Code = failure == ENOENT ? .fileNotFound : .unreadableFile
            throw CaptureError(code, "cannot read capture file: \(String(cString: strerror(failure)))", source: path)
        }
        _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_SEQUENTIAL)
        var status = stat()
        let isRegular = fstat(descriptor, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
        var file: UnsafeMutablePointer<FILE>?
        var streamBuffer: UnsafeMutablePointer<CChar>?
        if readAhead && isRegular {
            file = CCaptureReadAhead_open(descriptor, Self.readAheadChunkBytes, Self.readAheadChunks)
        }
        if file == nil {
            guard let plain = fdopen(descriptor, "rb") else {
                let failure = errno
                close(descriptor)
                throw CaptureError(
                    .unreadableFile,
                    "cannot read capture file: \(String(cString: strerror(failure)))",
                    source: path
                )
            }
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: Self.offlineStreamBufferBytes)
            setvbuf(plain, buffer, _IOFBF, Self.offlineStreamBufferBytes)
            file = plain
            streamBuffer = buffer
        }
        // On success the handle owns the stream (pcap_close closes it, and with it the
        // descriptor and any read-ahead thread); on failure it is ours.
        guard
            let raw = pcap_fopen_offline_with_tstamp_precision(file, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errorBuffer)
        else {
            fclose(file)
            streamBuffer?.deallocate()
            throw CaptureError(.unreadableFile, "cannot read capture file: \(errorText(errorBuffer))", source: path)
        }
        return offlineHandle(raw, path: path, streamBuffer: streamBuffer)
    }

    /// Read-ahead chunks: four of 1 MiB keep the thread a few milliseconds ahead of the reader
    /// without letting the ring outgrow what a 2-core gateway's caches can share.
    static let readAheadChunkBytes = 1 << 20
    static let readAheadChunks: UInt32 = 4

    static let offlineStreamBufferBytes = 128 << 10

    private static func offlineHandle(
        _ raw: OpaquePointer,
        path: String,
        streamBuffer: UnsafeMutablePointer<CChar>?
    ) -> PcapHandle {
        let pcap = PcapHandle(owning: raw, source: path)
        pcap.streamBuffer = streamBuffer
        pcap.linkType = LinkType(rawValue: UInt32(bitPattern: pcap_datalink(raw)))
        pcap.nanosecondsPerTick = 1
        return pcap
    }

    private func configure(_ call: String, _ status: Int32) throws(CaptureError) {
        guard status == 0 else {
            throw CaptureError(
                .openFailed,
                "\(call) failed: \(String(cString: pcap_statustostr(status)))",
                source: source,
                pcapStatus: status
            )
        }
    }

    private func activate() throws(CaptureError) {
        let status = pcap_activate(handle)
        if status < 0 {
            // pcap_geterr has details for these; for the rest pcap_statustostr is all there is.
            let detail = String(cString: pcap_geterr(handle))
            let summary = String(cString: pcap_statustostr(status))
            let text = detail.isEmpty ? summary : detail
            switch status {
            case PCAP_ERROR_PERM_DENIED, PCAP_ERROR_PROMISC_PERM_DENIED:
                throw CaptureError(
                    .permissionDenied,
                    "capturing needs CAP_NET_RAW (run as root or grant the capability): \(text)",
                    source: source,
                    pcapStatus: status
                )
            case PCAP_ERROR_NO_SUCH_DEVICE:
                throw CaptureError(
                    .noSuchDevice,
                    "no such network interface (check the name and the network namespace): \(text)",
                    source: source,
                    pcapStatus: status
                )
            case PCAP_ERROR_IFACE_NOT_UP:
                throw CaptureError(.interfaceNotUp, "interface is down: \(text)", source: source, pcapStatus: status)
            default:
                throw CaptureError(.openFailed, "pcap_activate failed: \(text)", source: source, pcapStatus: status)
            }
        }
        if status > 0 {
            let detail = String(cString: pcap_geterr(handle))
            let summary = String(cString: pcap_statustostr(status))
            activationWarnings.append(detail.isEmpty ? summary : "\(summary): \(detail)")
        }
        linkType = LinkType(rawValue: UInt32(bitPattern: pcap_datalink(handle)))
        nanosecondsPerTick = pcap_get_tstamp_precision(handle) == PCAP_TSTAMP_PRECISION_NANO ? 1 : 1000
    }

    // MARK: configuring

    /// Compiles `expression` (optimised, netmask unknown) and installs it; on a live handle the
    /// kernel then drops non-matching packets before they reach the ring.
    public func setFilter(_ expression: String) throws(CaptureError) {
        var program = bpf_program()
        guard pcap_compile(handle, &program, expression, 1, bpf_u_int32(PCAP_NETMASK_UNKNOWN)) == 0 else {
            throw CaptureError(
                .invalidFilter,
                "capture filter '\(expression)' does not compile: \(String(cString: pcap_geterr(handle)))",
                source: source
            )
        }
        defer { pcap_freecode(&program) }
        guard pcap_setfilter(handle, &program) == 0 else {
            throw CaptureError(
                .invalidFilter,
                "capture filter '\(expression)' was refused: \(String(cString: pcap_geterr(handle)))",
                source: source
            )
        }
    }

    /// Non-blocking mode: ``dispatch(maxPackets:_:)`` returns at once when nothing is ready, so the
    /// caller can wait in poll(2) on ``selectableFileDescriptor`` and check a stop flag between.
    public func setNonBlocking(_ nonBlocking: Bool) throws(CaptureError) {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard pcap_setnonblock(handle, nonBlocking ? 1 : 0, &errorBuffer) == 0 else {
            throw CaptureError(.openFailed, "pcap_setnonblock: \(errorText(errorBuffer))", source: source)
        }
    }

    /// A descriptor that polls readable when packets are ready (live handles on Linux), or nil.
    public var selectableFileDescriptor: Int32? {
        let descriptor = pcap_get_selectable_fd(handle)
        return descriptor >= 0 ? descriptor : nil
    }

    // MARK: reading

    /// What one ``dispatch(maxPackets:_:)`` call ended with.
    public enum DispatchOutcome: Hashable, Sendable {
        /// This many packets went to the body; 0 when a live non-blocking handle had none ready
        /// or the block timeout expired.
        case delivered(Int)
        /// An offline file has no more packets.
        case endOfFile
        /// ``breakLoop()`` ended the call before any packet was delivered.
        case interrupted
    }

    /// Hands up to `maxPackets` packets (-1: all libpcap has ready, a whole TPACKET_V3 block or
    /// more; for files, to the end) to `body`, each as a view into libpcap's buffer.
    ///
    /// The C callback captures nothing: it gets an unretained pointer to a context object that
    /// holds `body`. A context object rather than a struct on the stack: a closure loaded out of
    /// unsafe memory is retained and released around every call, two atomic operations per
    /// packet (3 % of `netwarden analyze`); a `let` in a final class reached through
    /// `_withUnsafeGuaranteedRef` is called as it is. One small allocation per call, not per packet.
    public func dispatch(
        maxPackets: Int32 = -1,
        _ body: (CapturedPacket) -> Void
    ) throws(CaptureError) -> DispatchOutcome {
        let status = withoutActuallyEscaping(body) { escapable in
            let context = DispatchContext(body: escapable, linkType: linkType, nanosecondsPerTick: nanosecondsPerTick)
            return withExtendedLifetime(context) {
                pcap_dispatch(
                    handle,
                    maxPackets,
                    { user, header, bytes in
                        guard let user, let header, let bytes else { return }
                        Unmanaged<DispatchContext>.fromOpaque(user)._withUnsafeGuaranteedRef {
                            $0.deliver(header, bytes)
                        }
                    },
                    Unmanaged.passUnretained(context).toOpaque().assumingMemoryBound(to: UInt8.self)
                )
            }
        }
        switch status {
        case 0 where isOffline: return .endOfFile
        case 0...: return .delivered(Int(status))
        case PCAP_ERROR_BREAK: return .interrupted
        default:
            throw CaptureError(.readFailed, String(cString: pcap_geterr(handle)), source: source, pcapStatus: status)
        }
    }

    /// Makes the running (or next) ``dispatch(maxPackets:_:)`` return early; call it from the
    /// body to stop at a packet.
    public func breakLoop() { pcap_breakloop(handle) }

    private var isOffline: Bool { pcap_file(handle) != nil }

    // MARK: statistics

    /// libpcap's counters for a live handle; offline handles have none.
    public func statistics() throws(CaptureError) -> PcapRawStatistics {
        var stats = pcap_stat()
        guard pcap_stats(handle, &stats) == 0 else {
            throw CaptureError(.statisticsUnavailable, String(cString: pcap_geterr(handle)), source: source)
        }
        return PcapRawStatistics(
            received: stats.ps_recv,
            droppedByKernel: stats.ps_drop,
            droppedByInterface: stats.ps_ifdrop
        )
    }
}

/// What the dispatch callback needs, alive for the length of one `dispatch` call.
private final class DispatchContext {
    let body: (CapturedPacket) -> Void
    let linkType: LinkType
    let nanosecondsPerTick: Int32

    init(body: @escaping (CapturedPacket) -> Void, linkType: LinkType, nanosecondsPerTick: Int32) {
        self.body = body
        self.linkType = linkType
        self.nanosecondsPerTick = nanosecondsPerTick
    }

    @inline(__always)
    func deliver(_ header: UnsafePointer<pcap_pkthdr>, _ bytes: UnsafePointer<UInt8>) {
        let caplen = Int(header.pointee.caplen)
        let time = PacketTime.normalised(
            seconds: Int64(header.pointee.ts.tv_sec),
            fraction: Int64(header.pointee.ts.tv_usec) * Int64(nanosecondsPerTick)
        )
        body(
            CapturedPacket(
                frame: UnsafeRawBufferPointer(start: bytes, count: caplen),
                originalLength: Int(header.pointee.len),
                time: time,
                linkType: linkType
            )
        )
    }
}

/// libpcap's PCAP_ERRBUF_SIZE error buffer as text, up to its terminating NUL.
func errorText(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
