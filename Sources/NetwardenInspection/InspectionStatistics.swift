import NetwardenProtocols

/// Running totals of one ``InspectionEngine``, as plain integers the daemon exports as metrics
/// (`netwarden_inspection_*_total`). Every packet, flow or message the engine turns away lands in
/// exactly one of these, so "nothing seen" can always be told apart from "seen and refused".
public struct InspectionStatistics: Hashable, Sendable {
    /// Frames handed to `process`, and their bytes as captured.
    public var packets = 0
    public var bytes = 0
    /// Frames that did not decode down to IP/TCP/UDP, by reason.
    public var decodeFailures = DecodeFailureCounts()
    /// IP packets that are neither TCP nor UDP (ICMP, ESP, GRE, ...), including fragments of such
    /// datagrams (only TCP and UDP are reassembled).
    public var otherIPPackets = 0

    /// IPv4 and IPv6 fragments held for reassembly, datagrams completed, and fragments or partial
    /// datagrams dropped (overlap, timeout, limits).
    public var fragmentsHeld = 0
    public var datagramsReassembled = 0
    public var fragmentDrops = 0
    /// ``fragmentDrops`` by reason (metric label values from ``IPReassembler/DropReason/name``).
    public var fragmentDropsByReason: [IPReassembler.DropReason: Int] = [:]

    public var flowsCreated = 0
    /// Flows dropped after their idle timeout.
    public var flowsEvictedIdle = 0
    /// Flows dropped early because the table was full (raise `maxFlows` if this grows).
    public var flowsEvictedCapacity = 0
    /// Flows in the table now.
    public var flowsActive = 0
    /// Flows left out by sampling, counted where a flow visibly starts (a TCP SYN). UDP flows have
    /// no such start, so sampled-out UDP shows only in ``sampledOutPackets``.
    public var sampledOutFlows = 0
    public var sampledOutPackets = 0
    /// TCP resets for flows not in the table (long closed, or from before capture started): not
    /// worth a flow of their own.
    public var strayResets = 0

    /// Packets that reached a protocol parser or reassembler.
    public var packetsInspected = 0
    /// Packets of flows that had nothing left to learn: they cost a decode and a lookup only.
    public var packetsOnFinishedFlows = 0

    /// Name events emitted, by protocol.
    public var names = NameCounts()
    /// Outcome events emitted.
    public var outcomes = 0
    /// Flows whose first payload matched a tunnel signature.
    public var tunnelsRecognised = 0

    /// Messages or handshakes that failed to parse, by protocol (never trusted, never reported).
    public var malformedDNS = 0
    public var malformedTLS = 0
    public var malformedQUIC = 0
    public var malformedHTTP = 0
    /// ClientHellos larger than the per-flow stream cap.
    public var tlsTooLarge = 0
    public var quicTooLarge = 0
    /// QUIC client datagrams whose Initial packets did not authenticate.
    public var quicUndecryptable = 0
    /// QUIC long headers of a version the protocol module cannot open.
    public var quicUnsupportedVersion = 0
    /// ClientHellos with no usable SNI (absent, or not a hostname).
    public var tlsWithoutServerName = 0
    /// TLS flows whose server answered with something other than TLS or HTTP.
    public var tlsServerNotTLS = 0
    /// HTTP requests without a usable host (no `Host`, or an invalid one).
    public var httpWithoutHost = 0
    /// DNS responses that matched no question in flight (late, stray, or forged).
    public var dnsUnmatchedResponses = 0
    /// DNS responses with TC set: the client retries over TCP, which is reported on its own.
    public var dnsTruncatedResponses = 0
    /// Questions forgotten because too many were in flight on one flow.
    public var dnsQuestionsDropped = 0
    /// DNS-over-TCP messages larger than the stream cap.
    public var dnsMessagesTooLarge = 0

    /// Segments a reassembler could not place (beyond its capacity, or too many holes).
    public var reassemblyDrops = 0
    /// Flows not inspected because every pooled reassembler of their kind was busy.
    public var inspectorsUnavailable = 0
    /// Pooled reassemblers and buffers ever allocated, and in use now (all kinds together). The
    /// first stays flat once the pools have grown to the traffic's concurrency: that is the
    /// engine's only per-flow allocation.
    public var inspectorsAllocated = 0
    public var inspectorsInUse = 0

    public init() {}
}

/// Frames that failed to decode, one counter per ``DecodeFailure`` (a struct of integers rather
/// than a dictionary so counting never hashes or allocates).
public struct DecodeFailureCounts: Hashable, Sendable {
    public var truncated = 0
    public var unsupportedLinkType = 0
    public var notIP = 0
    public var tooManyVLANTags = 0
    public var badIPHeader = 0
    public var tooManyExtensionHeaders = 0
    public var badTCPHeader = 0
    public var badUDPHeader = 0

    public init() {}

    /// The count for one reason (label it with ``DecodeFailure/name``).
    public subscript(failure: DecodeFailure) -> Int {
        get {
            switch failure {
            case .truncated: truncated
            case .unsupportedLinkType: unsupportedLinkType
            case .notIP: notIP
            case .tooManyVLANTags: tooManyVLANTags
            case .badIPHeader: badIPHeader
            case .tooManyExtensionHeaders: tooManyExtensionHeaders
            case .badTCPHeader: badTCPHeader
            case .badUDPHeader: badUDPHeader
            }
        }
        set {
            switch failure {
            case .truncated: truncated = newValue
            case .unsupportedLinkType: unsupportedLinkType = newValue
            case .notIP: notIP = newValue
            case .tooManyVLANTags: tooManyVLANTags = newValue
            case .badIPHeader: badIPHeader = newValue
            case .tooManyExtensionHeaders: tooManyExtensionHeaders = newValue
            case .badTCPHeader: badTCPHeader = newValue
            case .badUDPHeader: badUDPHeader = newValue
            }
        }
    }

    /// All reasons together.
    public var total: Int { DecodeFailure.allCases.reduce(0) { $0 + self[$1] } }
}

/// Name events by the protocol they were seen in.
public struct NameCounts: Hashable, Sendable {
    public var dns = 0
    public var tls = 0
    public var quic = 0
    public var http = 0

    public init() {}

    /// The count for one protocol.
    public subscript(proto: NameProtocol) -> Int {
        get {
            switch proto {
            case .dns: dns
            case .tls: tls
            case .quic: quic
            case .http: http
            }
        }
        set {
            switch proto {
            case .dns: dns = newValue
            case .tls: tls = newValue
            case .quic: quic = newValue
            case .http: http = newValue
            }
        }
    }
}
