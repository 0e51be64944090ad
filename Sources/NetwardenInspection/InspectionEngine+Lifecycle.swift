import NetwardenProtocols

// Flow endings and the events every protocol shares: the once-per-flow flow event, a name that
// now awaits its outcome, the outcome itself, and giving pooled objects back.
extension InspectionEngine {
    /// Ends a flow: a pending name gets `.noAnswer`, unanswered DNS questions each get one, a
    /// flow never reported is reported, and its pooled object goes back.
    mutating func endFlow(_ index: Int32, time: PacketTime, emit: (InspectionEvent) -> Void) {
        let record = table.record(index)
        if record.pointee.phase == .awaitingAnswer {
            answer(record, .noAnswer, time: time, emit: emit)
        }
        switch record.pointee.work {
        case .dns(let tracker):
            reportUnanswered(tracker, time: time, emit: emit)
        case .dnsStream(let state):
            reportUnanswered(state.queries, time: time, emit: emit)
        default:
            break
        }
        reportFlow(record, tunnel: nil, time: time, emit: emit)
        releaseWork(record)
        table.remove(index)
    }

    /// Makes room in a full table: evicts the flow nearest its idle timeout, which is one of the
    /// lane heads.
    mutating func evictForCapacity(time: PacketTime, emit: (InspectionEvent) -> Void) {
        var victim: Int32?
        var victimDeadline = Int64.max
        for rawLane in 0..<FlowLane.count {
            guard let lane = FlowLane(rawValue: rawLane), let head = table.oldest(in: lane) else { continue }
            let deadline = table.record(head).pointee.lastSeen &+ laneTimeout(lane)
            if deadline < victimDeadline {
                victim = head
                victimDeadline = deadline
            }
        }
        guard let victim else { return }
        counters.flowsEvictedCapacity &+= 1
        endFlow(victim, time: time, emit: emit)
    }

    /// Emits the flow's one `.flow` event if it has not had it yet.
    mutating func reportFlow(
        _ record: UnsafeMutablePointer<FlowRecord>,
        tunnel: TunnelSignature?,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) {
        guard !record.pointee.flowReported else { return }
        record.pointee.flowReported = true
        if tunnel != nil { counters.tunnelsRecognised &+= 1 }
        emit(.flow(FlowObservation(time: time, flow: record.pointee.endpoints, tunnel: tunnel)))
    }

    /// Reports a name and leaves the flow waiting for its outcome (or delivers one that arrived
    /// early).
    mutating func reportName(
        _ record: UnsafeMutablePointer<FlowRecord>,
        _ observation: NameObservation,
        emit: (InspectionEvent) -> Void
    ) {
        counters.names[observation.proto] &+= 1
        emit(.name(observation))
        record.pointee.pendingName = observation.name
        record.pointee.pendingProtocol = observation.proto
        record.pointee.phase = .awaitingAnswer
        switch record.pointee.earlyAnswer {
        case .none:
            break
        case .serverAnswered:
            answer(record, .serverAnswered, time: observation.time, emit: emit)
        case .tlsAlert(let description):
            answer(record, .tlsAlert(description: description), time: observation.time, emit: emit)
        }
    }

    /// Reports a TLS or QUIC ClientHello's SNI (the outer SNI when ECH is on).
    mutating func reportHello(
        _ record: UnsafeMutablePointer<FlowRecord>,
        _ hello: TLSClientHello,
        proto: NameProtocol,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) {
        guard let name = hello.serverName else {
            counters.tlsWithoutServerName &+= 1
            finish(record)
            return
        }
        let observation = NameObservation(
            time: time,
            proto: proto,
            name: name,
            flow: record.pointee.endpoints,
            alpn: hello.alpn,
            echPresent: hello.echPresent
        )
        reportName(record, observation, emit: emit)
    }

    /// Emits the outcome of the flow's pending name and finishes the flow.
    mutating func answer(
        _ record: UnsafeMutablePointer<FlowRecord>,
        _ outcome: NameOutcome,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) {
        if let name = record.pointee.pendingName {
            counters.outcomes &+= 1
            emit(
                .outcome(
                    OutcomeObservation(
                        time: time,
                        proto: record.pointee.pendingProtocol,
                        name: name,
                        flow: record.pointee.endpoints,
                        outcome: outcome
                    )
                )
            )
        }
        finish(record)
    }

    /// Nothing more to learn from this flow: give back its pooled object; later packets cost a
    /// lookup only.
    mutating func finish(_ record: UnsafeMutablePointer<FlowRecord>) {
        record.pointee.phase = .finished
        record.pointee.pendingName = nil
        releaseWork(record)
    }

    mutating func releaseWork(_ record: UnsafeMutablePointer<FlowRecord>) {
        switch record.pointee.work {
        case .none: return
        case .tls(let object): tlsPool.release(object)
        case .quic(let object): quicPool.release(object)
        case .http(let object): httpPool.release(object)
        case .dns(let object): dnsPool.release(object)
        case .dnsStream(let object): dnsStreamPool.release(object)
        }
        record.pointee.work = .none
    }

    /// `.noAnswer` for every question still in flight.
    mutating func reportUnanswered(_ tracker: DNSQueryTracker, time: PacketTime, emit: (InspectionEvent) -> Void) {
        for pending in tracker.entries {
            counters.outcomes &+= 1
            emit(
                .outcome(
                    OutcomeObservation(
                        time: time,
                        proto: .dns,
                        name: pending.text,
                        flow: pending.endpoints,
                        outcome: .noAnswer
                    )
                )
            )
        }
        tracker.reset()
    }
}
