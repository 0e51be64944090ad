import NetwardenProtocols

// DNS over UDP and TCP: every question is a name event; every response that matches a question
// in flight is its outcome.
extension InspectionEngine {
    /// Most A/AAAA addresses and CNAME targets carried into one outcome (a response may hold
    /// hundreds; the filter needs a few to judge where the name points).
    static let maxAnswerAddresses = 32
    static let maxAnswerCNAMEs = 8

    mutating func dnsDatagram(
        _ hit: FlowHit,
        payload: UnsafeRawBufferPointer,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) {
        let record = hit.record
        var tracker: DNSQueryTracker?
        if case .dns(let existing) = record.pointee.work { tracker = existing }
        dnsMessage(
            payload,
            record: record,
            senderIsClient: hit.fromClient,
            tracker: &tracker,
            time: time,
            emit: emit
        )
        guard let tracker else { return }
        let held: Bool
        if case .dns = record.pointee.work { held = true } else { held = false }
        if tracker.isEmpty {
            // Every question answered: the tracker goes back until the next query.
            if held { releaseWork(record) } else { dnsPool.release(tracker) }
        } else if !held {
            record.pointee.work = .dns(tracker)
        }
    }

    /// Starts DNS over TCP on the first client segment.
    mutating func startDNSStream(
        _ hit: FlowHit,
        sequence: UInt32,
        payload: UnsafeRawBufferPointer,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) {
        let record = hit.record
        guard let state = dnsStreamPool.acquire() else {
            counters.inspectorsUnavailable &+= 1
            return finish(record)
        }
        state.reset()
        state.clientStart = record.pointee.clientStreamStart
        state.serverStart = record.pointee.serverStreamStart
        record.pointee.work = .dnsStream(state)
        record.pointee.phase = .dnsStream
        feedDNSStream(hit, state, sequence: sequence, payload: payload, time: time, emit: emit)
    }

    /// Adds a segment to its direction's stream and handles every whole message it completes.
    mutating func feedDNSStream(
        _ hit: FlowHit,
        _ state: DNSStreamState,
        sequence: UInt32,
        payload: UnsafeRawBufferPointer,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) {
        let record = hit.record
        let buffer = hit.fromClient ? state.client : state.server
        // Without the SYN, the first segment seen is taken to start a message.
        let start: UInt32
        if hit.fromClient {
            start = state.clientStart ?? sequence
            state.clientStart = start
        } else {
            start = state.serverStart ?? sequence
            state.serverStart = start
        }
        let offset = Int(UInt32(sequence &- start))
        if buffer.insert(payload, at: offset) != .stored { counters.reassemblyDrops &+= 1 }
        var tracker: DNSQueryTracker? = state.queries
        while true {
            switch DNSTCPFraming.next(in: buffer.contiguous) {
            case .message(let message, let consumed):
                dnsMessage(
                    message,
                    record: record,
                    senderIsClient: hit.fromClient,
                    tracker: &tracker,
                    time: time,
                    emit: emit
                )
                buffer.consume(consumed)
            case .needMoreData(let totalNeeded):
                if totalNeeded > buffer.capacity {
                    counters.dnsMessagesTooLarge &+= 1
                    reportUnanswered(state.queries, time: time, emit: emit)
                    finish(record)
                }
                return
            case .invalid:
                counters.malformedDNS &+= 1
                reportUnanswered(state.queries, time: time, emit: emit)
                finish(record)
                return
            }
        }
    }

    /// Handles one DNS message from either side. `tracker` is the flow's question tracker; a UDP
    /// flow without one gets one from the pool when it asks something.
    private mutating func dnsMessage(
        _ message: UnsafeRawBufferPointer,
        record: UnsafeMutablePointer<FlowRecord>,
        senderIsClient: Bool,
        tracker: inout DNSQueryTracker?,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) {
        guard let reader = try? DNSMessageReader(message) else {
            counters.malformedDNS &+= 1
            return
        }
        // NOTIFY, UPDATE and the like are not lookups.
        guard reader.header.opcode == 0 else { return }
        // The querier is the client of the exchange, whichever way the flow was oriented.
        var endpoints = record.pointee.endpoints
        if senderIsClient == reader.header.isResponse {
            endpoints = FlowEndpoints(
                transport: endpoints.transport,
                client: endpoints.server,
                clientPort: endpoints.serverPort,
                server: endpoints.client,
                serverPort: endpoints.clientPort
            )
        }
        if reader.header.isResponse {
            dnsResponse(reader, endpoints: endpoints, tracker: tracker, time: time, emit: emit)
        } else {
            dnsQuery(reader, endpoints: endpoints, tracker: &tracker, time: time, emit: emit)
        }
    }

    private mutating func dnsQuery(
        _ reader: DNSMessageReader,
        endpoints: FlowEndpoints,
        tracker: inout DNSQueryTracker?,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) {
        // Validate the whole message before reporting any of it: a query that breaks halfway is
        // not trusted at all.
        var check = reader
        do throws(DNSFailure) {
            while try check.nextQuestion() != nil {}
            while try check.nextRecord() != nil {}
        } catch {
            counters.malformedDNS &+= 1
            return
        }
        if tracker == nil {
            tracker = dnsPool.acquire()
            tracker?.reset()
            if tracker == nil { counters.inspectorsUnavailable &+= 1 }
        }
        var questions = reader
        while let question = try? questions.nextQuestion() {
            question.name.decode(into: &scratchName)
            // A root query (priming) names nothing a client visits.
            guard !scratchName.isEmpty else { continue }
            let text = scratchName.description
            counters.names.dns &+= 1
            emit(
                .name(
                    NameObservation(
                        time: time,
                        proto: .dns,
                        name: text,
                        flow: endpoints,
                        dnsQueryType: question.type.rawValue
                    )
                )
            )
            let pending = DNSQueryTracker.Pending(
                id: reader.header.id,
                type: question.type.rawValue,
                name: scratchName,
                text: text,
                endpoints: endpoints
            )
            if let tracker, tracker.add(pending) { counters.dnsQuestionsDropped &+= 1 }
        }
    }

    private mutating func dnsResponse(
        _ reader: DNSMessageReader,
        endpoints: FlowEndpoints,
        tracker: DNSQueryTracker?,
        time: PacketTime,
        emit: (InspectionEvent) -> Void
    ) {
        var reader = reader
        // Responses echo exactly one question (RFC 9619); it is what the answer is matched on.
        let question: DNSQuestion
        do throws(DNSFailure) {
            guard let first = try reader.nextQuestion() else {
                counters.dnsUnmatchedResponses &+= 1
                return
            }
            question = first
        } catch {
            counters.malformedDNS &+= 1
            return
        }
        question.name.decode(into: &scratchName)
        let id = reader.header.id
        let type = question.type.rawValue
        guard let tracker, tracker.entries.contains(where: { $0.id == id && $0.type == type && $0.name == scratchName })
        else {
            counters.dnsUnmatchedResponses &+= 1
            return
        }
        if reader.header.isTruncated {
            // The client will ask again over TCP, which is reported on its own.
            counters.dnsTruncatedResponses &+= 1
            _ = tracker.take(id: id, name: scratchName, type: type)
            return
        }
        var addresses: [IPAddress] = []
        var cnames: [String] = []
        var echPublished = false
        var cnameName = DomainName()
        do throws(DNSFailure) {
            while let record = try reader.nextRecord() {
                guard record.section == .answer else { continue }
                switch record.data {
                case .a(let address), .aaaa(let address):
                    if addresses.count < Self.maxAnswerAddresses { addresses.append(address) }
                case .cname(let target):
                    if cnames.count < Self.maxAnswerCNAMEs {
                        target.decode(into: &cnameName)
                        cnames.append(cnameName.description)
                    }
                case .serviceBinding(let binding):
                    if binding.hasECH { echPublished = true }
                case .other:
                    break
                }
            }
        } catch {
            // Half a response is not evidence; the question stays open and ends as no answer
            // unless a well-formed response follows.
            counters.malformedDNS &+= 1
            return
        }
        guard let pending = tracker.take(id: id, name: scratchName, type: type) else { return }
        counters.outcomes &+= 1
        emit(
            .outcome(
                OutcomeObservation(
                    time: time,
                    proto: .dns,
                    name: pending.text,
                    flow: pending.endpoints,
                    outcome: .dnsResponse(
                        rcode: reader.header.responseCode.rawValue,
                        addresses: addresses,
                        cnames: cnames,
                        echConfigPublished: echPublished
                    )
                )
            )
        )
    }
}
