import NetwardenCore
import NetwardenInspection

/// One judged fact about filtering: a leak, a block, or a bypass, with the evidence for it.
///
/// Carries names and metadata only (DESIGN.md): the client is a pseudonym unless the school keeps
/// addresses, and nothing of any payload is kept.
public struct FilterEvent: Sendable, Equatable {
    /// Stable across re-analysis of the same traffic: a hash of kind, site, client, subject,
    /// category, method and the debounce window's start, so a collector can drop duplicates.
    public var id: String
    public var time: PacketTime
    public var site: String
    public var kind: FilterEventKind
    public var severity: LogSeverity
    /// The name (or, for bypasses judged on an address, the address) the event is about.
    public var subject: String
    public var category: String?
    public var method: LeakMethod?
    /// `dns`, `tls`, `quic`, `http`, or the transport (`tcp`, `udp`) for flows without a name.
    public var protocolName: String
    /// A pseudonym (`c-` and 12 hex digits), or the address when the school keeps addresses.
    public var client: String
    public var server: String
    public var serverPort: UInt16
    /// How it was judged, in words a technician can check: `DNS answer 93.184.216.34 from 10.0.0.53`.
    public var evidence: String
    /// Identical events held back in the previous debounce window for the same key.
    public var suppressed: Int

    public init(
        id: String,
        time: PacketTime,
        site: String,
        kind: FilterEventKind,
        subject: String,
        category: String? = nil,
        method: LeakMethod? = nil,
        protocolName: String,
        client: String,
        server: String,
        serverPort: UInt16,
        evidence: String,
        suppressed: Int = 0
    ) {
        self.id = id
        self.time = time
        self.site = site
        self.kind = kind
        self.severity = kind.severity
        self.subject = subject
        self.category = category
        self.method = method
        self.protocolName = protocolName
        self.client = client
        self.server = server
        self.serverPort = serverPort
        self.evidence = evidence
        self.suppressed = suppressed
    }

    /// Milliseconds since the epoch, as `MetricSample` timestamps are.
    public var timestampMilliseconds: Int64 {
        time.seconds * 1000 + Int64(time.nanoseconds / 1_000_000)
    }

    /// One JSON object on one line, keys in a fixed order; `category` and `method` only when set.
    /// `ts` is seconds with nine decimals, the form `analyze` uses for names too, so one parser
    /// reads every line of its output.
    public var jsonLine: String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("ts")
        writer.timestamp(seconds: time.seconds, nanoseconds: time.nanoseconds)
        writer.field("id", id)
        writer.field("site", site)
        writer.field("kind", kind.rawValue)
        writer.field("severity", severity.rawValue)
        writer.field("subject", subject)
        if let category { writer.field("category", category) }
        if let method { writer.field("method", method.rawValue) }
        writer.field("protocol", protocolName)
        writer.field("client", client)
        writer.field("server", server)
        writer.field("server_port", Int(serverPort))
        writer.field("evidence", evidence)
        writer.field("suppressed", suppressed)
        writer.endObject()
        return writer.output
    }
}
