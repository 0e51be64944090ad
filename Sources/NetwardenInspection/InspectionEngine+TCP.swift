import NetwardenProtocols

// TCP: connection orientation and state, then the client stream (TLS ClientHello, HTTP request
// head, DNS) and the server's first bytes (ServerHello, alert, HTTP status).
extension InspectionEngine {
    /// Segments without a SYN we look through for a recognisable stream start before deciding
    /// the flow carries nothing we read (capture that began mid-connection).
    static let maxUnanchoredSegments: UInt8 = 4

    mutating func handleTCP(
        _ packet: DecodedPacket,
        _ tcp: TCPHeader,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) {
        guard
            let hit = flow(
                packet,
                sourcePort: tcp.sourcePort,
                destinationPort: tcp.destinationPort,
                tcpFlags: tcp.flags,
                sequence: tcp.sequenceNumber,
                time: time,
                emit: emit
            )
        else { return }
        let record = hit.record
        let flags = tcp.flags
        if record.pointee.phase == .finished {
            counters.packetsOnFinishedFlows &+= 1
            if flags.contains(.rst) || flags.contains(.fin) { noteClose(hit, flags) }
            return
        }
        var sequence = tcp.sequenceNumber
        if flags.contains(.syn) {
            if hit.fromClient && !flags.contains(.ack) {
                record.pointee.clientStreamStart = sequence &+ 1
            } else if !hit.fromClient && flags.contains(.ack) {
                record.pointee.serverStreamStart = sequence &+ 1
            }
            // Data on a SYN (TCP Fast Open) starts one past the SYN's own number.
            sequence &+= 1
        }
        let payload = packet.payload
        if !payload.isEmpty {
            counters.packetsInspected &+= 1
            if hit.fromClient {
                clientSegment(hit, sequence: sequence, payload: payload, time: time, emit: emit)
            } else {
                serverSegment(hit, sequence: sequence, payload: payload, time: time, emit: emit)
            }
        }
        if flags.contains(.rst) {
            connectionReset(hit, time: time, emit: emit)
        } else if flags.contains(.fin) {
            connectionFinished(hit, time: time, emit: emit)
        }
    }

    // MARK: - Client stream

    private mutating func clientSegment(
        _ hit: FlowHit,
        sequence: UInt32,
        payload: UnsafeRawBufferPointer,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) {
        let record = hit.record
        switch record.pointee.phase {
        case .fresh:
            startClientStream(hit, sequence: sequence, payload: payload, time: time, emit: emit)
        case .tlsHello:
            guard case .tls(let reassembler) = record.pointee.work else { return finish(record) }
            feedTLS(record, reassembler, sequence: sequence, payload: payload, time: time, emit: emit)
        case .httpHead:
            guard case .http(let buffer) = record.pointee.work else { return finish(record) }
            feedHTTP(record, buffer, sequence: sequence, payload: payload, time: time, emit: emit)
        case .dnsStream:
            guard case .dnsStream(let state) = record.pointee.work else { return finish(record) }
            feedDNSStream(hit, state, sequence: sequence, payload: payload, time: time, emit: emit)
        case .awaitingAnswer, .quicHello, .dnsDatagrams, .finished:
            // The rest of the client's handshake or request body: nothing we need.
            break
        }
    }

    /// The first client payload decides what the flow is.
    private mutating func startClientStream(
        _ hit: FlowHit,
        sequence: UInt32,
        payload: UnsafeRawBufferPointer,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) {
        let record = hit.record
        let known = record.pointee.clientStreamStart
        let offset = known.map { Int(Int32(bitPattern: sequence &- $0)) } ?? 0
        // A retransmission of something before the stream start carries nothing new.
        guard offset >= 0 else { return }
        let atStart = offset == 0
        if !record.pointee.flowReported {
            reportFlow(record, tunnel: atStart ? TunnelSignatureDetector.tcp(payload) : nil, time: time, emit: emit)
        }
        if configuration.dnsPorts.contains(record.pointee.serverPort) {
            startDNSStream(hit, sequence: sequence, payload: payload, time: time, emit: emit)
            return
        }
        let tlsAllowed =
            configuration.inspectAllTCPPortsForTLS || configuration.tlsPorts.contains(record.pointee.serverPort)
        if !atStart {
            // The first segment we see is not the first one sent (reordering). A ClientHello
            // spanning segments is by far the likeliest reason, so start reassembling as TLS.
            if tlsAllowed, let start = known {
                startTLS(record, streamStart: start, sequence: sequence, payload: payload, time: time, emit: emit)
            } else {
                finish(record)
            }
            return
        }
        if tlsAllowed, TLSRecordLayer.looksLikeHandshakeStart(payload) {
            startTLS(record, streamStart: sequence, sequence: sequence, payload: payload, time: time, emit: emit)
            return
        }
        if let first = payload.first, first >= UInt8(ascii: "A"), first <= UInt8(ascii: "Z") {
            record.pointee.clientStreamStart = sequence
            startHTTP(record, payload: payload, time: time, emit: emit)
            return
        }
        if known == nil, record.pointee.unanchoredSegments < Self.maxUnanchoredSegments {
            // No SYN seen, so this may be the middle of a stream; a later segment may still
            // start a request (HTTP keep-alive) or we may just be late.
            record.pointee.unanchoredSegments += 1
            return
        }
        finish(record)
    }

    private mutating func startTLS(
        _ record: UnsafeMutablePointer<FlowRecord>,
        streamStart: UInt32,
        sequence: UInt32,
        payload: UnsafeRawBufferPointer,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) {
        guard let reassembler = tlsPool.acquire() else {
            counters.inspectorsUnavailable &+= 1
            return finish(record)
        }
        reassembler.reset(streamStart: streamStart)
        record.pointee.work = .tls(reassembler)
        record.pointee.phase = .tlsHello
        feedTLS(record, reassembler, sequence: sequence, payload: payload, time: time, emit: emit)
    }

    private mutating func feedTLS(
        _ record: UnsafeMutablePointer<FlowRecord>,
        _ reassembler: TLSStreamReassembler,
        sequence: UInt32,
        payload: UnsafeRawBufferPointer,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) {
        let droppedBefore = reassembler.droppedSegments
        let result = reassembler.ingest(sequence: sequence, payload: payload)
        counters.reassemblyDrops &+= reassembler.droppedSegments &- droppedBefore
        switch result {
        case .needMore:
            return
        case .complete(let hello):
            releaseWork(record)
            reportHello(record, hello, proto: .tls, time: time, emit: emit)
        case .notTLS:
            finish(record)
        case .tooLarge:
            counters.tlsTooLarge &+= 1
            finish(record)
        case .malformed:
            counters.malformedTLS &+= 1
            finish(record)
        }
    }

    private mutating func startHTTP(
        _ record: UnsafeMutablePointer<FlowRecord>,
        payload: UnsafeRawBufferPointer,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) {
        // Most request heads fit one segment: parse in place and never take a buffer.
        switch HTTPRequestHead.parse(payload, limits: httpLimits) {
        case .found(let head):
            reportHTTP(record, head, time: time, emit: emit)
        case .needMoreData:
            guard let buffer = httpPool.acquire() else {
                counters.inspectorsUnavailable &+= 1
                return finish(record)
            }
            buffer.reset()
            _ = buffer.insert(payload, at: 0)
            record.pointee.work = .http(buffer)
            record.pointee.phase = .httpHead
        case .notHTTP(let rejection):
            // A first line that is not a request at all is simply another protocol.
            if rejection != .notARequestLine { counters.malformedHTTP &+= 1 }
            finish(record)
        }
    }

    private mutating func feedHTTP(
        _ record: UnsafeMutablePointer<FlowRecord>,
        _ buffer: StreamReassemblyBuffer,
        sequence: UInt32,
        payload: UnsafeRawBufferPointer,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) {
        guard let start = record.pointee.clientStreamStart else { return finish(record) }
        let before = buffer.contiguousLength
        if buffer.insert(payload, at: Int(Int32(bitPattern: sequence &- start))) != .stored {
            counters.reassemblyDrops &+= 1
        }
        guard buffer.contiguousLength > before else { return }
        switch HTTPRequestHead.parse(buffer.contiguous, limits: httpLimits) {
        case .found(let head):
            // `head` points into the buffer, so report before giving the buffer back.
            reportHTTP(record, head, time: time, emit: emit)
        case .needMoreData:
            return
        case .notHTTP:
            counters.malformedHTTP &+= 1
            finish(record)
        }
    }

    /// The request's name: a CONNECT's target, else `Host`, else an absolute-form target's host.
    private mutating func reportHTTP(
        _ record: UnsafeMutablePointer<FlowRecord>,
        _ head: HTTPRequestHead,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) {
        let host = head.isConnect ? head.targetHost : head.host ?? head.targetHost
        guard let host, !host.isEmpty else {
            counters.httpWithoutHost &+= 1
            return finish(record)
        }
        let observation = NameObservation(
            time: time,
            proto: .http,
            name: host.description,
            flow: record.pointee.endpoints,
            httpMethod: head.methodString
        )
        releaseWork(record)
        reportName(record, observation, emit: emit)
    }

    // MARK: - Server stream

    private mutating func serverSegment(
        _ hit: FlowHit,
        sequence: UInt32,
        payload: UnsafeRawBufferPointer,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) {
        let record = hit.record
        // Only the server's first bytes matter; a later segment seen first (reordering) waits.
        let atStart = record.pointee.serverStreamStart.map { $0 == sequence } ?? true
        switch record.pointee.phase {
        case .fresh:
            // The server spoke first (SSH, SMTP banners): nothing a client names.
            reportFlow(record, tunnel: nil, time: time, emit: emit)
            finish(record)
        case .tlsHello:
            guard atStart else { return }
            switch TLSServerResponse.classify(payload) {
            case .serverHello, .helloRetryRequest: record.pointee.earlyAnswer = .serverAnswered
            case .alert(_, let description): record.pointee.earlyAnswer = .tlsAlert(description)
            case .needMore, .notTLS: break
            }
        case .awaitingAnswer:
            guard atStart else { return }
            if record.pointee.pendingProtocol == .http {
                httpAnswer(record, payload, time: time, emit: emit)
            } else {
                tlsAnswer(record, payload, time: time, emit: emit)
            }
        case .dnsStream:
            guard case .dnsStream(let state) = record.pointee.work else { return finish(record) }
            feedDNSStream(hit, state, sequence: sequence, payload: payload, time: time, emit: emit)
        case .httpHead, .quicHello, .dnsDatagrams, .finished:
            break
        }
    }

    private mutating func tlsAnswer(
        _ record: UnsafeMutablePointer<FlowRecord>,
        _ payload: UnsafeRawBufferPointer,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) {
        switch TLSServerResponse.classify(payload) {
        case .serverHello, .helloRetryRequest:
            answer(record, .serverAnswered, time: time, emit: emit)
        case .alert(_, let description):
            answer(record, .tlsAlert(description: description), time: time, emit: emit)
        case .needMore:
            // A first segment too short to show the whole hello: a handshake record from the
            // server after a ClientHello is a ServerHello.
            if payload[0] == 22 { answer(record, .serverAnswered, time: time, emit: emit) }
        case .notTLS:
            // Something answered in the clear: a block page or a proxy speaking HTTP is evidence
            // worth reporting; anything else is counted and the name left without an outcome.
            if let response = HTTPResponseStatus.parse(payload) {
                let outcome = NameOutcome.httpResponse(
                    status: response.status,
                    locationHost: response.locationHost?.description
                )
                answer(record, outcome, time: time, emit: emit)
            } else {
                counters.tlsServerNotTLS &+= 1
                finish(record)
            }
        }
    }

    private mutating func httpAnswer(
        _ record: UnsafeMutablePointer<FlowRecord>,
        _ payload: UnsafeRawBufferPointer,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) {
        guard let response = HTTPResponseStatus.parse(payload) else {
            counters.malformedHTTP &+= 1
            return finish(record)
        }
        let outcome = NameOutcome.httpResponse(
            status: response.status,
            locationHost: response.locationHost?.description
        )
        answer(record, outcome, time: time, emit: emit)
    }

    // MARK: - Connection end

    private mutating func connectionReset(_ hit: FlowHit, time: PacketTime, emit: (InspectionEvent) -> Void) {
        let record = hit.record
        switch record.pointee.phase {
        case .awaitingAnswer:
            answer(record, .reset, time: time, emit: emit)
        case .dnsStream:
            if case .dnsStream(let state) = record.pointee.work {
                reportUnanswered(state.queries, time: time, emit: emit)
            }
            finish(record)
        default:
            finish(record)
        }
        table.move(hit.index, to: .closed)
    }

    private mutating func connectionFinished(_ hit: FlowHit, time: PacketTime, emit: (InspectionEvent) -> Void) {
        let record = hit.record
        if record.pointee.phase == .awaitingAnswer {
            // Closed with the name still unanswered (after this segment's data was looked at).
            answer(record, .noAnswer, time: time, emit: emit)
        }
        noteClose(hit, .fin)
        if record.pointee.lane == .closed, record.pointee.phase == .dnsStream {
            if case .dnsStream(let state) = record.pointee.work {
                reportUnanswered(state.queries, time: time, emit: emit)
            }
            finish(record)
        }
    }

    /// Tracks FIN/RST so a closed connection moves to the short `closed` lane.
    private mutating func noteClose(_ hit: FlowHit, _ flags: TCPFlags) {
        let record = hit.record
        if flags.contains(.rst) {
            table.move(hit.index, to: .closed)
            return
        }
        if hit.fromClient { record.pointee.clientFIN = true } else { record.pointee.serverFIN = true }
        if record.pointee.clientFIN && record.pointee.serverFIN { table.move(hit.index, to: .closed) }
    }
}
