import NetwardenProtocols

/// The passive engine: turns captured frames into name, outcome and flow events.
///
/// One engine per capture thread; it is not shared and never locks. Feed it every frame with
/// ``process(frame:linkType:time:emit:)`` and call ``expire(now:emit:)`` from a periodic tick
/// (once a second is plenty) so idle flows are dropped and their unanswered names reported.
/// Time comes only from packet timestamps, so replaying a capture gives the same events.
///
/// How a packet is handled:
/// 1. Decoded to TCP/UDP with ``PacketDecoder`` (IPv4 and IPv6 fragments are put back together
///    first).
/// 2. Hashed on its canonical 5-tuple; sampling keeps or drops the whole flow on that hash.
/// 3. Looked up in the flow table (created on first sight; the table is preallocated and full
///    tables evict the flow closest to its idle timeout).
/// 4. If the flow still has something to learn, handed to its protocol: DNS (every message),
///    TLS and HTTP (client stream, then the server's first bytes), QUIC (client Initials, then
///    any server packet). Once a flow's name and outcome are known it is `finished`, and its
///    remaining packets (the bulk of the traffic) cost steps 1 to 3 only.
///
/// Allocation story: the flow table, its index and its free list are allocated once in `init`.
/// Reassemblers and buffers (TLS 16 KiB, QUIC 16 KiB, HTTP head 4 KiB, DNS question trackers,
/// DNS-over-TCP stream pairs) come from bounded pools: a flow takes one only when it starts
/// inspecting, and gives it back as soon as it has its name (or is evicted), so steady-state
/// traffic allocates nothing per packet and nothing per flow. What does allocate: a pool object
/// when its pool is empty (bounded by `maxConcurrentInspections` per kind); one `String` per name
/// event (reused by that name's outcome); the outcome's own arrays (DNS addresses and CNAMEs);
/// the protocol module's per-hello strings (SNI, ALPN) and swift-crypto's per-Initial plaintext
/// buffer; and IP fragment slots the first time a slot holds a larger datagram.
public struct InspectionEngine: ~Copyable {
    public let configuration: InspectionConfiguration
    var table: FlowTable
    var counters = InspectionStatistics()
    /// Optional only so `process` can move it out while its completion closure calls back into
    /// the engine; it is never `nil` between calls.
    var fragments: IPReassembler?
    var tlsPool: ObjectPool<TLSStreamReassembler>
    var quicPool: ObjectPool<QUICInitialReassembler>
    var httpPool: ObjectPool<StreamReassemblyBuffer>
    var dnsPool: ObjectPool<DNSQueryTracker>
    var dnsStreamPool: ObjectPool<DNSStreamState>
    let httpLimits: HTTPRequestHead.Limits
    let samplingRate: UInt64
    /// Idle timeout per lane, in nanoseconds, indexed by `FlowLane.rawValue`.
    let laneTimeouts: (Int64, Int64, Int64, Int64)
    /// Reused for every DNS name decoded.
    var scratchName = DomainName()

    public init(configuration: InspectionConfiguration) {
        self.configuration = configuration
        table = FlowTable(capacity: configuration.maxFlows)
        fragments = IPReassembler(limits: configuration.fragmentLimits)
        let poolLimit = max(1, configuration.maxConcurrentInspections)
        let streamCapacity = max(512, configuration.streamCapacity)
        let headCapacity = max(64, configuration.httpHeadCapacity)
        tlsPool = ObjectPool(limit: poolLimit) { TLSStreamReassembler(capacity: streamCapacity) }
        quicPool = ObjectPool(limit: poolLimit) { QUICInitialReassembler(capacity: streamCapacity) }
        httpPool = ObjectPool(limit: poolLimit) { StreamReassemblyBuffer(capacity: headCapacity) }
        dnsPool = ObjectPool(limit: poolLimit) { DNSQueryTracker() }
        dnsStreamPool = ObjectPool(limit: poolLimit) { DNSStreamState(capacity: streamCapacity) }
        httpLimits = HTTPRequestHead.Limits(maxHeadBytes: headCapacity)
        samplingRate = UInt64(max(1, configuration.samplingRate))
        laneTimeouts = (
            Self.nanoseconds(configuration.tcpIdleTimeout),
            Self.nanoseconds(configuration.udpIdleTimeout),
            Self.nanoseconds(configuration.dnsIdleTimeout),
            Self.nanoseconds(configuration.closedIdleTimeout)
        )
    }

    /// The counters so far.
    public var statistics: InspectionStatistics {
        var result = counters
        result.flowsActive = table.count
        result.inspectorsAllocated = tlsPool.made + quicPool.made + httpPool.made + dnsPool.made + dnsStreamPool.made
        result.inspectorsInUse = tlsPool.inUse + quicPool.inUse + httpPool.inUse + dnsPool.inUse + dnsStreamPool.inUse
        if let fragments {
            result.fragmentsHeld = fragments.counters.fragmentsHeld
            result.datagramsReassembled = fragments.counters.datagramsReassembled
            result.fragmentDrops = fragments.counters.dropped.values.reduce(0, +)
            result.fragmentDropsByReason = fragments.counters.dropped
        }
        return result
    }

    /// Inspects one captured frame. Events it causes are passed to `emit` before this returns;
    /// the frame is not retained.
    public mutating func process(
        frame: UnsafeRawBufferPointer,
        linkType: LinkType,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) {
        counters.packets &+= 1
        counters.bytes &+= frame.count
        var packet = DecodedPacket()
        do {
            try PacketDecoder.decode(frame, linkType: linkType, into: &packet)
        } catch {
            counters.decodeFailures[error] &+= 1
            return
        }
        if packet.fragment != nil {
            reassemble(packet, time: time, emit: emit)
            return
        }
        handleTransport(packet, time: time, emit: emit)
    }

    /// Drops flows idle past their lane's timeout (and IP fragments past theirs), emitting
    /// `.noAnswer` for names that never got one. Call it regularly with the latest packet time
    /// (or the wall clock when capture is quiet).
    public mutating func expire(now: PacketTime, emit: (InspectionEvent) -> Void) {
        let nowNanoseconds = Self.nanoseconds(now)
        fragments?.expire(at: .nanoseconds(nowNanoseconds))
        for lane in [FlowLane.tcp, .udp, .dns, .closed] {
            let timeout = laneTimeout(lane)
            while let oldest = table.oldest(in: lane),
                table.record(oldest).pointee.lastSeen &+ timeout <= nowNanoseconds
            {
                counters.flowsEvictedIdle &+= 1
                endFlow(oldest, time: now, emit: emit)
            }
        }
    }

    /// Ends every flow as if it had gone idle (end of an offline capture, or shutdown), so each
    /// pending name gets its `.noAnswer` and each flow its flow event.
    public mutating func finishAll(now: PacketTime, emit: (InspectionEvent) -> Void) {
        for lane in [FlowLane.tcp, .udp, .dns, .closed] {
            while let oldest = table.oldest(in: lane) {
                endFlow(oldest, time: now, emit: emit)
            }
        }
    }

    // MARK: - Dispatch

    mutating func handleTransport(_ packet: DecodedPacket, time: PacketTime, emit: (InspectionEvent) -> Void) {
        switch packet.transport {
        case .tcp(let header):
            handleTCP(packet, header, time: time, emit: emit)
        case .udp(let header):
            handleUDP(packet, header, time: time, emit: emit)
        case .none:
            counters.otherIPPackets &+= 1
        }
    }

    /// Puts IPv4 and IPv6 fragments back together and handles the completed datagram like any
    /// packet. Only TCP and UDP are reassembled (for IPv6: fragments whose Fragment header names
    /// TCP or UDP next), so fragmented ICMP, ESP and the like take no slot.
    private mutating func reassemble(_ packet: DecodedPacket, time: PacketTime, emit: (InspectionEvent) -> Void) {
        guard packet.ipProtocol == IPProtocolNumber.udp || packet.ipProtocol == IPProtocolNumber.tcp,
            var reassembler = fragments.take()
        else {
            counters.otherIPPackets &+= 1
            return
        }
        reassembler.process(packet, at: .nanoseconds(Self.nanoseconds(time))) { datagram in
            do throws(DecodeFailure) {
                let whole = try PacketDecoder.decode(reassembled: datagram, linkType: packet.linkType)
                handleTransport(whole, time: time, emit: emit)
            } catch {
                counters.decodeFailures[error] &+= 1
            }
        }
        fragments = reassembler
    }

    // MARK: - Flows

    /// A flow as a packet sees it: its record and whether the packet came from the client.
    struct FlowHit {
        var index: Int32
        var fromClient: Bool
        var record: UnsafeMutablePointer<FlowRecord>
    }

    /// Finds or creates the packet's flow; `nil` when sampling leaves it out or it is a stray
    /// reset for a flow we do not know.
    @inline(__always)
    mutating func flow(
        _ packet: DecodedPacket,
        sourcePort: UInt16,
        destinationPort: UInt16,
        tcpFlags: TCPFlags?,
        sequence: UInt32,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) -> FlowHit? {
        let key = FlowKey(
            source: packet.source,
            sourcePort: sourcePort,
            destination: packet.destination,
            destinationPort: destinationPort,
            ipProtocol: packet.ipProtocol
        )
        let hash = key.hash(seed: configuration.hashSeed)
        let opensConnection = tcpFlags.map { $0.contains(.syn) && !$0.contains(.ack) } ?? false
        // Multiply-shift on the high half: an unbiased 1-in-N pick without a division, and
        // independent of the low bits that place the flow in the table.
        if samplingRate > 1, ((hash >> 32) &* samplingRate) >> 32 != 0 {
            counters.sampledOutPackets &+= 1
            if opensConnection { counters.sampledOutFlows &+= 1 }
            return nil
        }
        let now = Self.nanoseconds(time)
        if let index = table.find(key, hash: hash) {
            let record = table.record(index)
            let fromA = key.isFromA(packet.source, sourcePort)
            // A new SYN on a closed or differently numbered connection is port reuse: the old
            // flow is over and the new one starts clean.
            if opensConnection,
                record.pointee.lane == .closed
                    || (record.pointee.clientStreamStart.map { $0 != sequence &+ 1 } ?? false)
            {
                endFlow(index, time: time, emit: emit)
            } else {
                table.touch(index, time: now)
                return FlowHit(index: index, fromClient: fromA == record.pointee.clientIsA, record: record)
            }
        }
        if let flags = tcpFlags, flags.contains(.rst) {
            counters.strayResets &+= 1
            return nil
        }
        if table.isFull { evictForCapacity(time: time, emit: emit) }
        let senderIsClient: Bool
        if let flags = tcpFlags, flags.contains(.syn) {
            senderIsClient = !flags.contains(.ack)
        } else {
            senderIsClient = ServicePorts.senderIsClient(
                sourcePort: sourcePort,
                destinationPort: destinationPort,
                dnsPorts: configuration.dnsPorts
            )
        }
        let serverPort = senderIsClient ? destinationPort : sourcePort
        let lane: FlowLane =
            tcpFlags != nil ? .tcp : configuration.dnsPorts.contains(serverPort) ? .dns : .udp
        guard let index = table.insert(key, hash: hash, lane: lane, time: now) else { return nil }
        counters.flowsCreated &+= 1
        let record = table.record(index)
        record.pointee.isTCP = tcpFlags != nil
        let fromA = key.isFromA(packet.source, sourcePort)
        record.pointee.clientIsA = fromA == senderIsClient
        return FlowHit(index: index, fromClient: senderIsClient, record: record)
    }

    func laneTimeout(_ lane: FlowLane) -> Int64 {
        switch lane {
        case .tcp: laneTimeouts.0
        case .udp: laneTimeouts.1
        case .dns: laneTimeouts.2
        case .closed: laneTimeouts.3
        }
    }

    static func nanoseconds(_ time: PacketTime) -> Int64 {
        time.seconds &* 1_000_000_000 &+ Int64(time.nanoseconds)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
    }
}
