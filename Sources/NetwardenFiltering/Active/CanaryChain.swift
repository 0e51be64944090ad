import NetwardenCore
import NetwardenProtocols

/// What the DNS -> TCP -> TLS -> HTTP chain showed for one URL, before the expectation and the
/// control are applied.
public struct CanaryObservation: Sendable, Equatable {
    /// The chain's reading of what came back.
    public enum Verdict: Sendable, Equatable {
        case blocked(FilterCheckResult.BlockedBy)
        /// The site's own content, over a certificate the school's devices accept.
        case allowed
        /// The site's own content, but over a certificate nothing trusted signed: reachable,
        /// yet not "allowed" (users would see a warning).
        case reachableUntrusted
        /// Neither the site nor a known block page; or a step failed in a way that shows nothing.
        case unknown
    }

    public var verdict: Verdict
    public var evidence: [String]
    public var tlsIssuer: String?
    public var tlsTrust: TLSTrust?

    public init(verdict: Verdict, evidence: [String], tlsIssuer: String? = nil, tlsTrust: TLSTrust? = nil) {
        self.verdict = verdict
        self.evidence = evidence
        self.tlsIssuer = tlsIssuer
        self.tlsTrust = tlsTrust
    }
}

/// Walks one URL through DNS (the school's resolver), TCP, TLS and HTTP over a transport, after
/// OONI's web connectivity test, and reads each step against the block-page fingerprints.
public struct CanaryChain: Sendable {
    public var transport: any FilterTestTransport
    public var fingerprints: BlockPageFingerprints
    /// Configured block-page addresses (beyond the fingerprints' `address` lines).
    public var blockPageAddresses: [String]
    public var maxRedirects: Int

    public init(
        transport: any FilterTestTransport,
        fingerprints: BlockPageFingerprints,
        blockPageAddresses: [String] = [],
        maxRedirects: Int = 5
    ) {
        self.transport = transport
        self.fingerprints = fingerprints
        self.blockPageAddresses = blockPageAddresses
        self.maxRedirects = maxRedirects
    }

    /// Addresses no real site has: what filters answer for blocked names (0.0.0.0/8, 127.0.0.0/8,
    /// `::`, `::1`).
    public static func isSinkhole(_ text: String) -> Bool {
        guard let address = IPAddress(text: text) else { return false }
        if let v4 = address.ipv4Value { return v4 >> 24 == 0 || v4 >> 24 == 127 }
        return address.high == 0 && (address.low == 0 || address.low == 1)
    }

    public func observe(
        _ url: CanaryURL,
        marker: String?,
        from vantage: FilterTestsSection.Vantage
    ) -> CanaryObservation {
        var evidence: [String] = []
        var current = url
        for hop in 0...maxRedirects {
            let step = observeHop(current, marker: marker, vantage: vantage, evidence: &evidence)
            switch step {
            case .done(let observation): return observation
            case .redirect(let next):
                if hop == maxRedirects { break }
                current = next
            }
        }
        evidence.append("more than \(maxRedirects) redirects")
        return CanaryObservation(verdict: .unknown, evidence: evidence)
    }

    private enum Hop {
        case done(CanaryObservation)
        case redirect(CanaryURL)
    }

    private func observeHop(
        _ url: CanaryURL,
        marker: String?,
        vantage: FilterTestsSection.Vantage,
        evidence: inout [String]
    ) -> Hop {
        func done(_ verdict: CanaryObservation.Verdict, _ line: String, fetch: FetchOutcome? = nil) -> Hop {
            evidence.append(line)
            return .done(
                CanaryObservation(
                    verdict: verdict,
                    evidence: evidence,
                    tlsIssuer: fetch?.tlsIssuer,
                    tlsTrust: fetch?.tlsTrust
                )
            )
        }

        // DNS. A numeric host skips it (a canary may be an address).
        var addresses: [String]
        if IPAddress(text: url.host) != nil {
            addresses = [url.host]
        } else {
            let lookup = transport.resolve(url.host, ipv6: false, from: vantage)
            guard let rcode = lookup.rcode else {
                return done(.unknown, "dns: no answer for \(url.host): \(lookup.failure ?? "no response")")
            }
            if rcode == "NXDOMAIN" || rcode == "REFUSED" {
                return done(.blocked(.dns), "dns: \(url.host) answered \(rcode)")
            }
            guard rcode == "NOERROR" else {
                // SERVFAIL is as often the site's own DNS failing as a filter: it shows nothing.
                return done(.unknown, "dns: \(url.host) answered \(rcode)")
            }
            if let cname = lookup.cnames.first(where: { fingerprints.matchHost($0) != nil }),
                let signature = fingerprints.matchHost(cname)
            {
                return done(.blocked(.dns), "dns: \(url.host) is a CNAME for \(cname) (\(signature.vendor) block host)")
            }
            addresses = lookup.addresses
            if addresses.isEmpty {
                let v6 = transport.resolve(url.host, ipv6: true, from: vantage)
                if v6.rcode == "NOERROR" { addresses = v6.addresses }
            }
            if addresses.isEmpty {
                return done(.blocked(.dns), "dns: \(url.host) answered NOERROR with no address")
            }
            if let sinkhole = addresses.first(where: Self.isSinkhole) {
                return done(.blocked(.dns), "dns: \(url.host) answered \(sinkhole) (sinkhole address)")
            }
            if let blockAddress = addresses.first(where: { isBlockPageAddress($0) }) {
                let vendor = fingerprints.matchAddress(blockAddress)?.vendor ?? "configured"
                return done(.blocked(.dns), "dns: \(url.host) answered \(blockAddress) (\(vendor) block page address)")
            }
            evidence.append("dns: \(url.host) answered \(addresses.joined(separator: ", "))")
        }
        let address = addresses[0]

        // TCP.
        switch transport.connect(address: address, port: url.port, from: vantage) {
        case .connected:
            evidence.append("tcp: connected to \(address) port \(url.port)")
        case .refused(let detail):
            return done(.blocked(.tcp), "tcp: reset by \(address) port \(url.port) (\(detail))")
        case .timeout(let detail):
            return done(.blocked(.tcp), "tcp: no answer from \(address) port \(url.port) (\(detail))")
        case .unreachable(let detail):
            return done(.blocked(.tcp), "tcp: \(address) port \(url.port) unreachable (\(detail))")
        case .error(let detail):
            return done(.unknown, "tcp: could not test \(address): \(detail)")
        }

        // TLS and HTTP.
        let fetch = transport.fetch(url, address: address, from: vantage)
        if let failure = fetch.failure {
            switch failure {
            case .tlsReset:
                return done(.blocked(.tls), "tls: handshake with \(url.host) reset (\(fetch.detail))", fetch: fetch)
            case .tlsTimeout:
                return done(.blocked(.tls), "tls: handshake with \(url.host) timed out (\(fetch.detail))", fetch: fetch)
            case .httpReset:
                return done(.blocked(.http), "http: connection reset after the request (\(fetch.detail))", fetch: fetch)
            case .httpTimeout:
                return done(.blocked(.http), "http: no response to the request (\(fetch.detail))", fetch: fetch)
            case .other: return done(.unknown, "http: \(fetch.detail)", fetch: fetch)
            }
        }
        if url.isHTTPS, let trust = fetch.tlsTrust {
            evidence.append("tls: certificate issued by \(fetch.tlsIssuer ?? "(unknown)") (\(trust.rawValue))")
        }
        let status = fetch.status ?? 0
        let untrusted = url.isHTTPS && fetch.tlsTrust == .untrusted
        // A block page behind a certificate nothing trusts is the filter intercepting to show it.
        let blockedBy: FilterCheckResult.BlockedBy = untrusted ? .tls : .http
        if (300...399).contains(status), let location = fetch.location {
            if let next = url.resolving(location) {
                if let signature = fingerprints.matchHost(next.host) {
                    return done(
                        .blocked(blockedBy),
                        "http: \(status) redirect to \(location) (\(signature.vendor) block host)",
                        fetch: fetch
                    )
                }
                evidence.append("http: \(status) redirect to \(location)")
                return .redirect(next)
            }
            return done(.unknown, "http: \(status) redirect to unusable location \(location)", fetch: fetch)
        }
        if let signature = fingerprints.matchStatus(status) {
            return done(.blocked(blockedBy), "http: status \(status) (\(signature.vendor) block status)", fetch: fetch)
        }
        if let signature = fingerprints.matchPage(fetch.body) {
            return done(
                .blocked(blockedBy),
                "http: status \(status), page matches \(signature.vendor) \(signature.kind.rawValue) \"\(signature.pattern)\"",
                fetch: fetch
            )
        }
        let ownContent: Bool
        if let marker {
            ownContent = fetch.body.contains(marker)
            if !ownContent {
                return done(
                    .unknown,
                    "http: status \(status) without the marker \"\(marker)\" and without a known block page",
                    fetch: fetch
                )
            }
        } else {
            ownContent = (200...299).contains(status)
            if !ownContent {
                return done(
                    .unknown,
                    "http: status \(status) and no marker configured to recognise the page",
                    fetch: fetch
                )
            }
        }
        let how = marker.map { "the marker \"\($0)\" is present" } ?? "no block page (no marker configured)"
        if untrusted {
            return done(
                .reachableUntrusted,
                "http: status \(status), \(how), but over an untrusted certificate",
                fetch: fetch
            )
        }
        return done(.allowed, "http: status \(status), \(how)", fetch: fetch)
    }

    private func isBlockPageAddress(_ text: String) -> Bool {
        if fingerprints.matchAddress(text) != nil { return true }
        guard let address = IPAddress(text: text) else { return false }
        return blockPageAddresses.contains { IPAddress(text: $0) == address }
    }
}
