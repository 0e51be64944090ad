import NetwardenProtocols

/// Where a flow's inspection stands. Every phase but the last three still expects to learn
/// something; `finished` flows cost a table lookup per packet and nothing else.
enum FlowPhase: UInt8 {
    /// No payload seen yet (TCP handshake, or nothing decided).
    case fresh
    /// Reassembling a TLS ClientHello from the client's TCP stream.
    case tlsHello
    /// Buffering an HTTP/1.x request head that did not fit one segment.
    case httpHead
    /// Reassembling a QUIC ClientHello from client Initials.
    case quicHello
    /// A name was reported; waiting for the server's first bytes (TLS, HTTP) or packet (QUIC).
    case awaitingAnswer
    /// DNS over UDP: every datagram is a message, so these flows never finish early.
    case dnsDatagrams
    /// DNS over TCP: both directions reassembled and split by the 2-byte framing.
    case dnsStream
    /// Nothing more to learn (name and outcome known, not a protocol we read, or given up).
    case finished
}

/// Which idle timeout applies; each lane is its own least-recently-seen list, so expiry only
/// ever looks at list heads.
enum FlowLane: Int {
    case tcp = 0
    case udp = 1
    case dns = 2
    /// TCP after RST or FIN from both sides: kept briefly so late retransmissions do not look
    /// like new flows.
    case closed = 3

    static let count = 4
}

/// The pooled object a flow is using while it inspects, if any.
enum FlowWork {
    case none
    case tls(TLSStreamReassembler)
    case quic(QUICInitialReassembler)
    case http(StreamReassemblyBuffer)
    case dns(DNSQueryTracker)
    case dnsStream(DNSStreamState)
}

/// An answer that arrived before the name it answers was complete (capture reordering can show
/// a ServerHello ahead of the ClientHello's last segment, or a QUIC server packet ahead of the
/// client's second Initial).
enum EarlyAnswer: Equatable {
    case none
    case serverAnswered
    case tlsAlert(UInt8)
}

/// One slot of the flow table. Lives in a preallocated slab and is only ever accessed in place.
///
/// Laid out for the packet path: every bulk packet looks up its flow, and at 10 Gbit/s the
/// captured bytes streaming through the cache have evicted that record since its last packet,
/// so each cache line a lookup touches is a miss. Everything a packet on a finished flow reads
/// or writes (key, phase, lane, last-seen time, direction) is in the first 64 bytes; the rest
/// (list links, reassembly state, pending names) is only read while a flow is being inspected
/// or relinked once a second. `FlowTable` aligns records to 64 bytes, and
/// `FlowRecordLayoutTests` pins the offsets and the 128-byte stride: reorder the fields below
/// and the test says which one moved.
struct FlowRecord {
    // First cache line: the per-packet fields.
    var key: FlowKey = .unused
    var lane: FlowLane = .tcp
    var phase: FlowPhase = .fresh
    var lastSeen: Int64 = 0
    /// The whole second (truncated to 32 bits; only compared for equality) at which the record
    /// was last moved to its lane's tail (see `FlowTable`).
    var listedSecond: UInt32 = 0
    /// The client is side `a` of the key.
    var clientIsA = true
    var isTCP = false
    var inUse = false
    var flowReported = false
    var clientFIN = false
    var serverFIN = false
    /// Client segments seen while waiting for something recognisable to start (no SYN seen).
    var unanchoredSegments: UInt8 = 0
    /// QUIC client datagrams that did not authenticate.
    var undecryptableDatagrams: UInt8 = 0
    var pendingProtocol: NameProtocol = .tls
    var earlyAnswer: EarlyAnswer = .none

    // Second cache line: inspection state and the lane links.
    var hash: UInt64 = 0
    var previous: Int32 = -1
    var next: Int32 = -1
    /// The name a pending outcome refers to (TLS/QUIC/HTTP), kept as the very `String` the name
    /// event carried so the outcome costs no second allocation.
    var pendingName: String?
    var work: FlowWork = .none
    /// Sequence number of the client's first payload byte, once known (SYN + 1, or the anchor
    /// segment when the SYN was missed).
    var clientStreamStart: UInt32?
    /// Same for the server (SYN-ACK + 1).
    var serverStreamStart: UInt32?

    /// The endpoints as events report them.
    var endpoints: FlowEndpoints {
        let a = key.addressA
        let b = key.addressB
        return FlowEndpoints(
            transport: isTCP ? .tcp : .udp,
            client: clientIsA ? a : b,
            clientPort: clientIsA ? key.aPort : key.bPort,
            server: clientIsA ? b : a,
            serverPort: clientIsA ? key.bPort : key.aPort
        )
    }

    var serverPort: UInt16 { clientIsA ? key.bPort : key.aPort }
}
