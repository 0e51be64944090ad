/// Counters libpcap keeps for a live handle (`pcap_stats`).
///
/// libpcap's counters are 32-bit and wrap (at 10 Gbit/s of small packets, in minutes), so these
/// are widened to 64 bits from successive ``PcapRawStatistics`` readings; read them at least once
/// per wrap (the live source does so every second).
public struct CaptureStatistics: Hashable, Sendable {
    /// Packets that passed the filter, whether or not the capture kept up (Linux counts drops in).
    public var received: UInt64
    /// Packets the kernel dropped because the ring was full: the capture fell behind.
    public var droppedByKernel: UInt64
    /// Packets the interface or its driver dropped (from the interface's rx_dropped counter).
    public var droppedByInterface: UInt64

    public init(received: UInt64 = 0, droppedByKernel: UInt64 = 0, droppedByInterface: UInt64 = 0) {
        self.received = received
        self.droppedByKernel = droppedByKernel
        self.droppedByInterface = droppedByInterface
    }

    /// Adds what changed between two raw 32-bit readings, wrapping as libpcap's counters do.
    mutating func accumulate(from previous: PcapRawStatistics, to current: PcapRawStatistics) {
        received += UInt64(current.received &- previous.received)
        droppedByKernel += UInt64(current.droppedByKernel &- previous.droppedByKernel)
        droppedByInterface += UInt64(current.droppedByInterface &- previous.droppedByInterface)
    }
}

/// One `pcap_stats` reading as libpcap reports it: 32-bit counters since the handle opened.
public struct PcapRawStatistics: Hashable, Sendable {
    public var received: UInt32
    public var droppedByKernel: UInt32
    public var droppedByInterface: UInt32

    public init(received: UInt32, droppedByKernel: UInt32, droppedByInterface: UInt32) {
        self.received = received
        self.droppedByKernel = droppedByKernel
        self.droppedByInterface = droppedByInterface
    }

    /// As 64-bit totals, for a handle read once (fine until the first wrap).
    public var widened: CaptureStatistics {
        CaptureStatistics(
            received: UInt64(received),
            droppedByKernel: UInt64(droppedByKernel),
            droppedByInterface: UInt64(droppedByInterface)
        )
    }
}
