import Crypto
import NetwardenInspection
import NetwardenProtocols

/// Turns the passive engine's events into filter events: leaks and blocks of must-block names,
/// and bypasses (other resolvers, DoT, DoH, ECH, VPNs, Tor, proxies), with counters for all.
///
/// One judge per event stream (it is a value with mutable counters and debounce state, not
/// shared between threads); the category matcher is read from `categories` once per event so a
/// reload applies from the next event on.
public struct FilterJudge {
    public let settings: FilterJudgeSettings
    public let categories: ReloadableCategoryMatcher
    public let pseudonymizer: ClientPseudonymizer
    public private(set) var counters = FilterCounters()
    private var debouncer: EventDebouncer

    public init(
        settings: FilterJudgeSettings,
        categories: ReloadableCategoryMatcher,
        pseudonymizer: ClientPseudonymizer
    ) {
        self.settings = settings
        self.categories = categories
        self.pseudonymizer = pseudonymizer
        debouncer = EventDebouncer(windowSeconds: settings.debounceSeconds)
    }

    /// Judges one engine event, appending any filter events it gives rise to.
    public mutating func judge(_ event: InspectionEvent, into events: inout [FilterEvent]) {
        switch event {
        case .name(let name): judgeName(name, into: &events)
        case .outcome(let outcome): judgeOutcome(outcome, into: &events)
        case .flow(let flow): judgeFlow(flow, into: &events)
        }
    }

    // MARK: names: counts and name-borne bypasses

    private mutating func judgeName(_ name: NameObservation, into events: inout [FilterEvent]) {
        counters.names[name.proto, default: 0] += 1
        let matcher = categories.current
        let match = matcher.match(name.name)
        for index in match.categories {
            counters.categoryNames[matcher.categories[index].name, default: 0] += 1
        }
        let flow = name.flow
        switch name.proto {
        case .dns:
            // Port 53 only: the engine also reports mDNS/LLMNR-style names on other ports, which
            // never leave the LAN. The school's resolvers asking upstream are not clients.
            if !settings.resolvers.isEmpty, flow.serverPort == 53, !settings.resolvers.contains(flow.server),
                !settings.resolvers.contains(flow.client)
            {
                bypass(
                    .dnsResolver,
                    subject: flow.server.description,
                    protocolName: "dns",
                    flow: flow,
                    time: name.time,
                    evidence:
                        "DNS query for \(name.name) to \(flow.server):53/\(flow.transport.rawValue), not a school resolver",
                    into: &events
                )
            }
        case .tls, .quic:
            let handshake = name.proto == .tls ? "TLS" : "QUIC"
            if !settings.dohProviders.match(name.name).isEmpty {
                bypass(
                    .dnsOverHTTPS,
                    subject: name.name,
                    protocolName: name.proto.rawValue,
                    flow: flow,
                    time: name.time,
                    evidence:
                        "\(handshake) SNI \(name.name) is a DNS-over-HTTPS service, to \(flow.server):\(flow.serverPort)",
                    into: &events
                )
            }
            let knownPublicName = !settings.echPublicNames.match(name.name).isEmpty
            if name.echPresent || knownPublicName {
                let detail =
                    name.echPresent
                    ? "\(handshake) ClientHello with encrypted_client_hello, outer SNI \(name.name)"
                    : "\(handshake) SNI \(name.name) is an ECH public name"
                bypass(
                    .encryptedClientHello,
                    subject: name.name,
                    protocolName: name.proto.rawValue,
                    flow: flow,
                    time: name.time,
                    evidence: detail + ", to \(flow.server):\(flow.serverPort)",
                    into: &events
                )
            }
        case .http:
            if name.httpMethod == "CONNECT", !settings.blockPageAddresses.contains(flow.server) {
                bypass(
                    .proxy,
                    subject: name.name,
                    protocolName: "http",
                    flow: flow,
                    time: name.time,
                    evidence: "HTTP CONNECT \(name.name) via \(flow.server):\(flow.serverPort), not the school's proxy",
                    into: &events
                )
            } else if !settings.dohProviders.match(name.name).isEmpty {
                bypass(
                    .dnsOverHTTPS,
                    subject: name.name,
                    protocolName: "http",
                    flow: flow,
                    time: name.time,
                    evidence:
                        "HTTP Host \(name.name) is a DNS-over-HTTPS service, to \(flow.server):\(flow.serverPort)",
                    into: &events
                )
            }
        }
    }

    // MARK: flows: bypasses that carry no name

    private mutating func judgeFlow(_ observation: FlowObservation, into events: inout [FilterEvent]) {
        let flow = observation.flow
        let transport = flow.transport.rawValue
        // Flow bypasses are about a service, not a name: address, port and transport, so a
        // WireGuard and an OpenVPN server on one address debounce separately. Computed only
        // when a bypass is reported: every new flow comes through here, almost none of them one.
        var target: String { "\(flow.server):\(flow.serverPort)/\(transport)" }
        if let tunnel = observation.tunnel {
            let kind: FilterEventKind = tunnel == .tor ? .tor : .vpn
            let label =
                switch tunnel {
                case .wireguard: "WireGuard handshake"
                case .openvpn: "OpenVPN handshake"
                case .ike: "IKE (IPsec VPN) exchange"
                case .tor: "Tor handshake"
                }
            bypass(
                kind,
                subject: target,
                protocolName: transport,
                flow: flow,
                time: observation.time,
                evidence: "\(label) to \(target)",
                into: &events
            )
        } else if settings.torRelayAddresses.contains(flow.server) {
            bypass(
                .tor,
                subject: target,
                protocolName: transport,
                flow: flow,
                time: observation.time,
                evidence: "connection to \(target), a listed Tor relay",
                into: &events
            )
        }
        if flow.serverPort == 853, !settings.resolvers.contains(flow.client) {
            let name = flow.transport == .tcp ? "DNS-over-TLS" : "DNS-over-QUIC"
            bypass(
                .dnsOverTLS,
                subject: target,
                protocolName: transport,
                flow: flow,
                time: observation.time,
                evidence: "\(name) to \(target)",
                into: &events
            )
        }
        if flow.serverPort == 443, settings.dohResolverAddresses.contains(flow.server),
            !settings.resolvers.contains(flow.client)
        {
            bypass(
                .dnsOverHTTPS,
                subject: target,
                protocolName: transport,
                flow: flow,
                time: observation.time,
                evidence: "\(flow.transport == .tcp ? "TLS" : "QUIC") to \(target), a public DoH resolver address",
                into: &events
            )
        }
    }

    private mutating func bypass(
        _ kind: FilterEventKind,
        subject: String,
        protocolName: String,
        flow: FlowEndpoints,
        time: PacketTime,
        evidence: String,
        into events: inout [FilterEvent]
    ) {
        counters.bypasses[kind, default: 0] += 1
        emit(
            kind,
            subject: subject,
            category: nil,
            method: nil,
            protocolName: protocolName,
            flow: flow,
            time: time,
            evidence: evidence,
            into: &events
        )
    }

    // MARK: outcomes: leak or blocked

    private enum Verdict {
        case leak, blocked
    }

    private mutating func judgeOutcome(_ outcome: OutcomeObservation, into events: inout [FilterEvent]) {
        let matcher = categories.current
        let match = matcher.match(outcome.name)
        let mustBlock = match.categories.intersection(matcher.mustBlock)
        guard !mustBlock.isEmpty, let (verdict, method, evidence) = verdict(for: outcome) else { return }
        let listed = String(outcome.name.utf8.suffix(match.listedLength)) ?? outcome.name
        for index in mustBlock {
            let category = matcher.categories[index].name
            let kind: FilterEventKind
            switch verdict {
            case .leak:
                kind = .leak
                counters.leaks[category, default: [:]][method, default: 0] += 1
            case .blocked:
                kind = .blocked
                counters.blocked[category, default: 0] += 1
            }
            emit(
                kind,
                subject: outcome.name,
                category: category,
                method: method,
                protocolName: outcome.proto.rawValue,
                flow: outcome.flow,
                time: outcome.time,
                evidence: evidence + " (listed: \(listed) in \(category))",
                into: &events
            )
        }
    }

    /// Leak or blocked, on which exchange, and the evidence; nil when the outcome says nothing
    /// about the filter (SERVFAIL, an empty answer).
    private func verdict(for outcome: OutcomeObservation) -> (Verdict, LeakMethod, String)? {
        let server = outcome.flow.server
        let from = "from \(server)"
        let isFilter = settings.blockPageAddresses.contains(server) || settings.sinkholeAddresses.contains(server)
        // The exchange a missing answer or a reset cut short: a DNS question left unanswered is
        // judged on the DNS answer, not on a handshake it never had.
        let exchange: LeakMethod =
            switch outcome.proto {
            case .dns: .dnsAnswer
            case .tls: .tlsHandshake
            case .quic: .quicHandshake
            case .http: .httpResponse
            }
        let handshake: LeakMethod = outcome.proto == .quic ? .quicHandshake : .tlsHandshake
        let handshakeName = outcome.proto == .quic ? "QUIC" : "TLS"
        switch outcome.outcome {
        case .dnsResponse(let rcode, let addresses, _, _):
            switch rcode {
            case 3: return (.blocked, .dnsAnswer, "DNS NXDOMAIN \(from)")
            case 5: return (.blocked, .dnsAnswer, "DNS REFUSED \(from)")
            case 0:
                guard !addresses.isEmpty else { return nil }
                if let routable = addresses.first(where: {
                    $0.isGloballyRoutable && !settings.sinkholeAddresses.contains($0)
                        && !settings.blockPageAddresses.contains($0)
                }) {
                    return (.leak, .dnsAnswer, "DNS answer \(routable) \(from)")
                }
                let first = addresses[0]
                let why =
                    settings.sinkholeAddresses.contains(first)
                    ? "a sinkhole" : settings.blockPageAddresses.contains(first) ? "the block page" : "not routable"
                return (.blocked, .dnsAnswer, "DNS answer \(first) (\(why)) \(from)")
            default:
                return nil
            }
        case .serverAnswered:
            guard outcome.proto == .tls || outcome.proto == .quic else { return nil }
            if isFilter {
                return (.blocked, handshake, "\(handshakeName) handshake answered by the filter at \(server)")
            }
            return (.leak, handshake, "\(handshakeName) handshake answered by \(server):\(outcome.flow.serverPort)")
        case .tlsAlert(let description):
            return (.blocked, handshake, "\(handshakeName) alert \(description) \(from)")
        case .reset:
            return (.blocked, exchange, "TCP reset before an answer \(from)")
        case .noAnswer:
            return (.blocked, exchange, "no answer \(from)")
        case .httpResponse(let status, let locationHost):
            if settings.blockPageAddresses.contains(server) {
                return (.blocked, .httpResponse, "HTTP \(status) from the block page at \(server)")
            }
            if settings.blockStatusCodes.contains(status) {
                return (.blocked, .httpResponse, "HTTP \(status) (a filter block status) \(from)")
            }
            if (300..<400).contains(status), let host = locationHost, !settings.blockPageHosts.match(host).isEmpty {
                return (.blocked, .httpResponse, "HTTP \(status) redirect to block page host \(host) \(from)")
            }
            return (.leak, .httpResponse, "HTTP \(status) \(from):\(outcome.flow.serverPort)")
        }
    }

    // MARK: events

    private mutating func emit(
        _ kind: FilterEventKind,
        subject: String,
        category: String?,
        method: LeakMethod?,
        protocolName: String,
        flow: FlowEndpoints,
        time: PacketTime,
        evidence: String,
        into events: inout [FilterEvent]
    ) {
        let key = EventDebouncer.Key(
            kind: kind,
            client: flow.client,
            subject: subject,
            category: category ?? "",
            method: method
        )
        guard let (windowStart, suppressed) = debouncer.admit(key, at: time) else { return }
        let client = pseudonymizer.identifier(for: flow.client)
        let id = Self.eventID(
            [
                kind.rawValue, settings.site, client, subject, category ?? "", method?.rawValue ?? "",
                String(windowStart),
            ]
        )
        events.append(
            FilterEvent(
                id: id,
                time: time,
                site: settings.site,
                kind: kind,
                subject: subject,
                category: category,
                method: method,
                protocolName: protocolName,
                client: client,
                server: flow.server.description,
                serverPort: flow.serverPort,
                evidence: evidence,
                suppressed: suppressed
            )
        )
    }

    /// 32 hex digits of SHA-256 over the fields joined with a separator no field contains.
    static func eventID(_ fields: [String]) -> String {
        SHA256.hash(data: Array(fields.joined(separator: "\u{1F}").utf8)).prefix(16).hexString
    }
}
