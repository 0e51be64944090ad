import NetwardenProtocols

/// The DNS questions of one flow still waiting for a response, so a response can be matched to
/// the question it answers (ID, name and type must all agree: a forged or stray response that
/// merely reuses an ID is not believed) and questions never answered can be reported as
/// `.noAnswer` when the flow goes idle.
///
/// Pooled per flow; the entry array reserves its fixed maximum in `init`, so adding and removing
/// questions never allocates. Each entry keeps the `String` its name event carried, so the
/// outcome reuses it.
final class DNSQueryTracker {
    /// A question waiting for its response.
    struct Pending {
        var id: UInt16
        var type: UInt16
        var name: DomainName
        var text: String
        var endpoints: FlowEndpoints
    }

    /// Most questions in flight on one flow; stub resolvers send one or two (A and AAAA).
    static let capacity = 8

    private(set) var entries: [Pending] = []

    init() { entries.reserveCapacity(Self.capacity) }

    var isEmpty: Bool { entries.isEmpty }

    func reset() { entries.removeAll(keepingCapacity: true) }

    /// Adds a question; returns `false` when the oldest had to be dropped to make room.
    func add(_ pending: Pending) -> Bool {
        var dropped = false
        if entries.count >= Self.capacity {
            entries.removeFirst()
            dropped = true
        }
        entries.append(pending)
        return dropped
    }

    /// Removes and returns the question a response answers.
    func take(id: UInt16, name: DomainName, type: UInt16) -> Pending? {
        guard let index = entries.firstIndex(where: { $0.id == id && $0.type == type && $0.name == name }) else {
            return nil
        }
        return entries.remove(at: index)
    }
}

/// Per-flow state of DNS over TCP: both directions' byte streams (queries and responses are
/// framed independently, and either may span segments) and the questions in flight.
final class DNSStreamState {
    let client: StreamReassemblyBuffer
    let server: StreamReassemblyBuffer
    let queries = DNSQueryTracker()
    /// Stream offsets are relative to these sequence numbers once known.
    var clientStart: UInt32?
    var serverStart: UInt32?

    init(capacity: Int) {
        client = StreamReassemblyBuffer(capacity: capacity)
        server = StreamReassemblyBuffer(capacity: capacity)
    }

    func reset() {
        client.reset()
        server.reset()
        queries.reset()
        clientStart = nil
        serverStart = nil
    }
}
