import NetwardenProtocols

// The vocabulary between the passive engine (which turns packets into these events) and the
// filtering layer (which judges them: category, leak or blocked, bypass). Events carry names
// and metadata only, never payload (DESIGN.md privacy rule). Client addresses are raw here;
// pseudonymisation happens in NetwardenFiltering before anything is stored or sent.

/// A packet's capture time: seconds and nanoseconds since the Unix epoch, as libpcap reports it
/// (the engine never reads a clock itself, so offline analysis and live capture agree).
public struct PacketTime: Hashable, Comparable, Sendable {
    public var seconds: Int64
    public var nanoseconds: Int32

    public init(seconds: Int64, nanoseconds: Int32) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    public static func < (lhs: PacketTime, rhs: PacketTime) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    /// As a `Duration` since the epoch (for timeouts and reassembly clocks).
    public var sinceEpoch: Duration { .seconds(seconds) + .nanoseconds(Int64(nanoseconds)) }
}

/// Transport of a flow.
public enum FlowTransport: String, Hashable, Sendable {
    case tcp, udp
}

/// Who talked to whom. `client` is the side that opened the flow (sent the SYN, the DNS
/// query, the ClientHello or the first UDP datagram); `server` the other side.
public struct FlowEndpoints: Hashable, Sendable {
    public var transport: FlowTransport
    public var client: IPAddress
    public var clientPort: UInt16
    public var server: IPAddress
    public var serverPort: UInt16

    public init(transport: FlowTransport, client: IPAddress, clientPort: UInt16, server: IPAddress, serverPort: UInt16)
    {
        self.transport = transport
        self.client = client
        self.clientPort = clientPort
        self.server = server
        self.serverPort = serverPort
    }
}

/// Which protocol a name was seen in (the `proto` field of `netwarden analyze --format json`).
public enum NameProtocol: String, Hashable, Sendable {
    case dns, tls, quic, http
}

/// A name a client asked for: a DNS question, a TLS or QUIC SNI, an HTTP Host or CONNECT target.
public struct NameObservation: Sendable {
    public var time: PacketTime
    public var proto: NameProtocol
    /// Lowercase, no trailing dot, no port.
    public var name: String
    public var flow: FlowEndpoints
    /// DNS: the query type (1 = A, 28 = AAAA, 65 = HTTPS, ...).
    public var dnsQueryType: UInt16?
    /// TLS/QUIC: offered ALPN identifiers.
    public var alpn: [String]
    /// TLS/QUIC: the ClientHello carried an encrypted_client_hello extension; `name` is then
    /// the outer (public) SNI.
    public var echPresent: Bool
    /// HTTP: the request method; `CONNECT` means `name` is a proxy target.
    public var httpMethod: String?

    public init(
        time: PacketTime,
        proto: NameProtocol,
        name: String,
        flow: FlowEndpoints,
        dnsQueryType: UInt16? = nil,
        alpn: [String] = [],
        echPresent: Bool = false,
        httpMethod: String? = nil
    ) {
        self.time = time
        self.proto = proto
        self.name = name
        self.flow = flow
        self.dnsQueryType = dnsQueryType
        self.alpn = alpn
        self.echPresent = echPresent
        self.httpMethod = httpMethod
    }
}

/// How the far side answered a name: the evidence a leak or a block is judged on.
public enum NameOutcome: Sendable {
    /// A DNS response to a question for `name`: its rcode, the A/AAAA addresses in the answer
    /// section (after following CNAMEs), CNAME targets, and whether an HTTPS/SVCB record
    /// carried an `ech` parameter.
    case dnsResponse(rcode: UInt16, addresses: [IPAddress], cnames: [String], echConfigPublished: Bool)
    /// The server sent a ServerHello (TLS) or any packet of its own (QUIC): the handshake was answered.
    case serverAnswered
    /// The server (or a middlebox) answered with a TLS alert.
    case tlsAlert(description: UInt8)
    /// A TCP RST ended the flow before the server answered (a filter's typical block).
    case reset
    /// The flow ended (FIN or idle eviction) with no answer at all.
    case noAnswer
    /// An HTTP response: its status code and, when present, a Location header's host.
    case httpResponse(status: Int, locationHost: String?)
}

/// The outcome of something a `NameObservation` started, on the same flow.
public struct OutcomeObservation: Sendable {
    public var time: PacketTime
    public var proto: NameProtocol
    public var name: String
    public var flow: FlowEndpoints
    public var outcome: NameOutcome

    public init(time: PacketTime, proto: NameProtocol, name: String, flow: FlowEndpoints, outcome: NameOutcome) {
        self.time = time
        self.proto = proto
        self.name = name
        self.flow = flow
        self.outcome = outcome
    }
}

/// Signatures of tunnels seen in the first payload of a flow, for bypass detection.
public enum TunnelSignature: String, Hashable, Sendable {
    case wireguard, openvpn, ike, tor
}

/// A new flow, reported once when the engine first sees it (sampled flows only), with any
/// tunnel signature found in its first payload. Bypass detection uses these for flows that
/// carry no name (DNS to another resolver is seen as a name event; a VPN is not).
public struct FlowObservation: Sendable {
    public var time: PacketTime
    public var flow: FlowEndpoints
    public var tunnel: TunnelSignature?

    public init(time: PacketTime, flow: FlowEndpoints, tunnel: TunnelSignature?) {
        self.time = time
        self.flow = flow
        self.tunnel = tunnel
    }
}

/// Everything the engine reports, in packet-time order.
public enum InspectionEvent: Sendable {
    case name(NameObservation)
    case outcome(OutcomeObservation)
    case flow(FlowObservation)
}
