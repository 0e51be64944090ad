import NetwardenProtocols

// UDP: DNS datagrams, QUIC Initials (then any server packet as the answer), and tunnel
// signatures on everything else.
extension InspectionEngine {
    /// Client datagrams whose Initials fail to authenticate before the flow is given up on (a
    /// client's retransmission of a good Initial would have opened).
    static let maxUndecryptableDatagrams: UInt8 = 3

    mutating func handleUDP(
        _ packet: DecodedPacket,
        _ udp: UDPHeader,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) {
        guard
            let hit = flow(
                packet,
                sourcePort: udp.sourcePort,
                destinationPort: udp.destinationPort,
                tcpFlags: nil,
                sequence: 0,
                time: time,
                emit: emit
            )
        else { return }
        let record = hit.record
        let payload = packet.payload
        switch record.pointee.phase {
        case .finished:
            counters.packetsOnFinishedFlows &+= 1
        case .fresh:
            guard !payload.isEmpty else { return }
            counters.packetsInspected &+= 1
            startDatagrams(hit, payload: payload, time: time, emit: emit)
        case .dnsDatagrams:
            counters.packetsInspected &+= 1
            dnsDatagram(hit, payload: payload, time: time, emit: emit)
        case .quicHello:
            counters.packetsInspected &+= 1
            if hit.fromClient {
                guard !payload.isEmpty else { return }
                guard case .quic(let reassembler) = record.pointee.work else { return finish(record) }
                feedQUIC(record, reassembler, payload: payload, time: time, emit: emit)
            } else {
                // The server answered before the hello was whole (reordered capture).
                record.pointee.earlyAnswer = .serverAnswered
            }
        case .awaitingAnswer:
            counters.packetsInspected &+= 1
            if !hit.fromClient { answer(record, .serverAnswered, time: time, emit: emit) }
        case .tlsHello, .httpHead, .dnsStream:
            finish(record)
        }
    }

    /// The first datagram decides what the flow is.
    private mutating func startDatagrams(
        _ hit: FlowHit,
        payload: UnsafeRawBufferPointer,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) {
        let record = hit.record
        let serverPort = record.pointee.serverPort
        if configuration.dnsPorts.contains(serverPort) {
            reportFlow(record, tunnel: nil, time: time, emit: emit)
            record.pointee.phase = .dnsDatagrams
            dnsDatagram(hit, payload: payload, time: time, emit: emit)
            return
        }
        guard hit.fromClient else {
            reportFlow(record, tunnel: nil, time: time, emit: emit)
            return finish(record)
        }
        // Cheap test first: long header with the fixed bit, a version we can open, type Initial or
        // 0-RTT. A client may send 0-RTT right behind its Initial, and a capture can show them
        // first (reordering, or a lost Initial retransmitted later); the reassembler skips them
        // by their Length and waits for the Initial.
        if payload[0] & 0xc0 == 0xc0, let header = QUICLongHeader.parse(payload),
            header.kind == .initial || header.kind == .zeroRTT
        {
            reportFlow(record, tunnel: nil, time: time, emit: emit)
            guard let reassembler = quicPool.acquire() else {
                counters.inspectorsUnavailable &+= 1
                return finish(record)
            }
            reassembler.reset()
            record.pointee.work = .quic(reassembler)
            record.pointee.phase = .quicHello
            feedQUIC(record, reassembler, payload: payload, time: time, emit: emit)
            return
        }
        if payload[0] & 0xc0 == 0xc0, serverPort == 443, payload.count >= 5 {
            // A long header on the QUIC port with a version we cannot open (or Version
            // Negotiation): worth knowing when a new version rolls out.
            counters.quicUnsupportedVersion &+= 1
        }
        let tunnel = TunnelSignatureDetector.udp(payload, serverPort: serverPort)
        reportFlow(record, tunnel: tunnel, time: time, emit: emit)
        finish(record)
    }

    private mutating func feedQUIC(
        _ record: UnsafeMutablePointer<FlowRecord>,
        _ reassembler: QUICInitialReassembler,
        payload: UnsafeRawBufferPointer,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) {
        switch reassembler.ingest(datagram: payload) {
        case .needMore:
            return
        case .complete(let hello):
            releaseWork(record)
            reportHello(record, hello, proto: .quic, time: time, emit: emit)
        case .notQUIC:
            // Short-header packets before the hello was whole: the handshake finished out of
            // our sight (lost Initials), so there is nothing left to read.
            finish(record)
        case .unsupportedVersion:
            counters.quicUnsupportedVersion &+= 1
            finish(record)
        case .undecryptable:
            counters.quicUndecryptable &+= 1
            record.pointee.undecryptableDatagrams += 1
            if record.pointee.undecryptableDatagrams >= Self.maxUndecryptableDatagrams { finish(record) }
        case .tooLarge:
            counters.quicTooLarge &+= 1
            finish(record)
        case .malformed:
            counters.malformedQUIC &+= 1
            finish(record)
        }
    }
}
