import Glibc
import NetwardenProtocols

/// Packets from a network interface, read from libpcap's TPACKET_V3 ring by one thread.
///
/// The handle is non-blocking and the loop waits in poll(2) on its descriptor with a bounded
/// timeout, so a stop request is seen within ``LiveCaptureOptions/stopCheckIntervalMilliseconds``
/// even on a silent link. Create, run and drop a source on the same thread (see
/// ``CaptureRunner``).
public final class LivePacketSource: PacketSource {
    private let handle: PcapHandle
    private let descriptor: Int32
    private let options: LiveCaptureOptions
    public let counters = CaptureCounters()
    public var name: String { handle.source }
    public var linkType: LinkType { handle.linkType }
    /// What `pcap_activate` warned about (worth one log line at start).
    public var activationWarnings: [String] { handle.activationWarnings }

    /// Most packets per `pcap_dispatch` call: enough to amortise the call (a few ring blocks'
    /// worth at typical sizes), few enough that periodic work runs many times a second under
    /// any load.
    static let batchSize: Int32 = 4096

    /// Opens `interface` in the calling thread's network namespace and installs `filter`.
    public init(
        interface: String,
        options: LiveCaptureOptions = LiveCaptureOptions(),
        filter: CaptureFilter = .default
    ) throws(CaptureError) {
        handle = try PcapHandle.openLive(interface: interface, options: options)
        try handle.setFilter(filter.expression(for: handle.linkType))
        try handle.setNonBlocking(true)
        guard let descriptor = handle.selectableFileDescriptor else {
            throw CaptureError(.openFailed, "libpcap gave no pollable descriptor", source: interface)
        }
        self.descriptor = descriptor
        self.options = options
    }

    public func run(
        until stop: CaptureStopFlag,
        betweenBatches: () -> Void,
        _ body: (CapturedPacket) -> Void
    ) throws(CaptureError) {
        var snapshot = CaptureCounters.Snapshot()
        var lastReading = PcapRawStatistics(received: 0, droppedByKernel: 0, droppedByInterface: 0)
        let clock = ContinuousClock()
        var nextPublish = clock.now
        func publish() {
            // Reading often enough keeps the 32-bit libpcap counters from wrapping unseen.
            if let reading = try? handle.statistics() {
                snapshot.statistics.accumulate(from: lastReading, to: reading)
                lastReading = reading
            }
            counters.publish(snapshot)
        }
        defer { publish() }

        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        var backlog = false
        while !stop.isStopped {
            poller.revents = 0
            // After a full batch the ring very likely holds more: look without waiting.
            let ready = poll(&poller, 1, backlog ? 0 : options.stopCheckIntervalMilliseconds)
            if ready < 0 && errno != EINTR {
                throw CaptureError(.readFailed, "poll: \(String(cString: strerror(errno)))", source: name)
            }
            // Dispatch even after a timeout: it costs one ring check, and a block the kernel
            // retired between poll's return and now is not left waiting for the next wake-up.
            // An interface that went away shows up here as a read error with libpcap's reason.
            // Bounded: with -1, libpcap's TPACKET_V3 reader keeps taking blocks while any is
            // ready, so on a saturated link it might never return and `betweenBatches` (expiry,
            // events, metrics) and the stop flag would starve.
            let outcome = try handle.dispatch(maxPackets: Self.batchSize) { packet in
                snapshot.delivered &+= 1
                if packet.isTruncated { snapshot.truncated &+= 1 }
                body(packet)
            }
            backlog = outcome == .delivered(Int(Self.batchSize))
            betweenBatches()
            let now = clock.now
            if now >= nextPublish {
                publish()
                nextPublish = now.advanced(by: .seconds(1))
            }
        }
    }
}
