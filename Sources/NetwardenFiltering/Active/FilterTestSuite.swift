import NetwardenCore

/// Every check of one run, from every vantage, judged: canaries against their expectation and the
/// vantage's control, safe search, bypass exposure and TLS interception.
///
/// Pure: the network is the injected transport and time is the injected clock, so every judging
/// path is unit-tested without sockets.
public struct FilterTestSuite: Sendable {
    /// What a run tests, resolved from the config and the files it names.
    public struct Plan: Sendable {
        public var vantages: [FilterTestsSection.Vantage]
        public var controlURLs: [String]
        public var canaries: [FilterTestsSection.Canary]
        public var safeSearch: [FilterTestsSection.SafeSearch]
        public var bypass: [FilterTestsSection.Bypass]
        public var interceptionURLs: [String]
        /// Whether the filter is expected to intercept HTTPS (with its own CA).
        public var expectInterception: Bool

        public init(
            vantages: [FilterTestsSection.Vantage],
            controlURLs: [String],
            canaries: [FilterTestsSection.Canary],
            safeSearch: [FilterTestsSection.SafeSearch] = [],
            bypass: [FilterTestsSection.Bypass] = [],
            interceptionURLs: [String] = [],
            expectInterception: Bool = false
        ) {
            self.vantages = vantages
            self.controlURLs = controlURLs
            self.canaries = canaries
            self.safeSearch = safeSearch
            self.bypass = bypass
            self.interceptionURLs = interceptionURLs
            self.expectInterception = expectInterception
        }

        /// One plan per check and vantage, in run order, so a scheduler can spread the checks
        /// over its interval (each with its own control, taken just before it).
        public func split() -> [Plan] {
            var plans: [Plan] = []
            for vantage in vantages {
                func one(
                    canaries: [FilterTestsSection.Canary] = [],
                    safeSearch: [FilterTestsSection.SafeSearch] = [],
                    bypass: [FilterTestsSection.Bypass] = [],
                    interception: [String] = []
                ) -> Plan {
                    Plan(
                        vantages: [vantage],
                        controlURLs: controlURLs,
                        canaries: canaries,
                        safeSearch: safeSearch,
                        bypass: bypass,
                        interceptionURLs: interception,
                        expectInterception: expectInterception
                    )
                }
                plans += canaries.map { one(canaries: [$0]) }
                plans += safeSearch.map { one(safeSearch: [$0]) }
                plans += bypass.map { one(bypass: [$0]) }
                plans += interceptionURLs.map { one(interception: [$0]) }
            }
            return plans
        }
    }

    public var chain: CanaryChain
    public var clock: ContinuousClock

    public init(chain: CanaryChain, clock: ContinuousClock = ContinuousClock()) {
        self.chain = chain
        self.clock = clock
    }

    private var transport: any FilterTestTransport { chain.transport }

    /// Runs the whole plan, vantage by vantage, in plan order. Blocking.
    public func run(_ plan: Plan) -> [FilterCheckResult] {
        var results: [FilterCheckResult] = []
        for vantage in plan.vantages {
            let control = checkControl(plan.controlURLs, from: vantage)
            for canary in plan.canaries {
                results.append(timed { checkCanary(canary, control: control, from: vantage) })
            }
            for target in plan.safeSearch {
                results.append(
                    timed { SafeSearchJudge.check(target, control: control, transport: transport, from: vantage) }
                )
            }
            for target in plan.bypass {
                results.append(timed { checkBypass(target, control: control, from: vantage) })
            }
            for url in plan.interceptionURLs {
                results.append(
                    timed {
                        checkInterception(url, expectPresent: plan.expectInterception, control: control, from: vantage)
                    }
                )
            }
        }
        return results
    }

    /// Whether this vantage can reach the internet at all: the first control URL that reads as
    /// allowed. Without it, no check from the vantage can pass.
    public struct Control: Sendable, Equatable {
        public var works: Bool
        public var evidence: String

        public init(works: Bool, evidence: String) {
            self.works = works
            self.evidence = evidence
        }
    }

    public func checkControl(_ urls: [String], from vantage: FilterTestsSection.Vantage) -> Control {
        var failures: [String] = []
        for text in urls {
            guard let url = CanaryURL(text) else { continue }
            let observation = chain.observe(url, marker: nil, from: vantage)
            if observation.verdict == .allowed { return Control(works: true, evidence: "control \(text) works") }
            failures.append("control \(text) failed: " + (observation.evidence.last ?? "no evidence"))
        }
        return Control(
            works: false,
            evidence: failures.isEmpty ? "no usable control URL" : failures.joined(separator: "; ")
        )
    }

    private func timed(_ body: () -> FilterCheckResult) -> FilterCheckResult {
        let start = clock.now
        var result = body()
        let elapsed = start.duration(to: clock.now).components
        result.durationSeconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        return result
    }

    /// The catalogue category of public DNS-over-HTTPS endpoints.
    public static let dohCategory = "doh"

    public func checkCanary(
        _ canary: FilterTestsSection.Canary,
        control: Control,
        from vantage: FilterTestsSection.Vantage
    ) -> FilterCheckResult {
        var result = FilterCheckResult(
            name: canary.name,
            // A DNS-over-HTTPS endpoint is walked like any must-block canary (the full chain),
            // but one this vantage can reach is a bypass route, so it is reported as one.
            kind: canary.category == Self.dohCategory ? .bypass : .canary,
            category: canary.category,
            vantage: vantage.name,
            expect: canary.expect.rawValue,
            status: .inconclusive,
            target: canary.url
        )
        guard let url = CanaryURL(canary.url) else {
            result.evidence = ["`\(canary.url)` is not a usable URL"]
            return result
        }
        let observation = chain.observe(url, marker: canary.marker, from: vantage)
        result.evidence = observation.evidence
        result.tlsIssuer = observation.tlsIssuer
        Self.judge(observation, expect: canary.expect, control: control, into: &result)
        return result
    }

    /// The expectation and the control applied to what the chain saw. Only a working control
    /// lets a check pass or fail; a blocked must-allow canary is over-blocking.
    static func judge(
        _ observation: CanaryObservation,
        expect: FilterTestsSection.Expectation,
        control: Control,
        into result: inout FilterCheckResult
    ) {
        if case .blocked(let step) = observation.verdict { result.blockedBy = step }
        guard control.works else {
            result.status = .inconclusive
            result.evidence.append(control.evidence + "; inconclusive, never a pass")
            return
        }
        switch (observation.verdict, expect) {
        case (.blocked, .blocked): result.status = .pass
        case (.blocked, .allowed):
            result.status = .fail
            result.overBlocking = true
            result.evidence.append("over-blocking: a must-allow site is blocked")
        case (.allowed, .allowed): result.status = .pass
        case (.allowed, .blocked), (.reachableUntrusted, .blocked):
            result.status = .fail
            result.evidence.append("leak: a must-block site is reachable")
        case (.reachableUntrusted, .allowed), (.unknown, _):
            result.status = .inconclusive
        }
    }

    func checkBypass(
        _ target: FilterTestsSection.Bypass,
        control: Control,
        from vantage: FilterTestsSection.Vantage
    ) -> FilterCheckResult {
        var result = FilterCheckResult(
            name: target.name,
            kind: .bypass,
            category: "bypass",
            vantage: vantage.name,
            expect: "unreachable",
            status: .inconclusive,
            target:
                "\(target.probe.rawValue)://\(target.address.contains(":") ? "[\(target.address)]" : target.address):\(target.port)"
        )
        switch transport.probeBypass(target, from: vantage) {
        case .reachable(let detail):
            // Reachable is a finding whatever the control says: something answered.
            result.status = .fail
            result.evidence = ["\(target.probe.rawValue) to \(result.target) answered: \(detail)"]
        case .blocked(let detail):
            result.evidence = ["\(target.probe.rawValue) to \(result.target) got no answer: \(detail)"]
            if control.works {
                result.status = .pass
            } else {
                // With the uplink down everything is unreachable; that proves nothing.
                result.evidence.append(control.evidence + "; inconclusive, never a pass")
            }
        case .error(let detail):
            result.evidence = ["could not test \(result.target): \(detail)"]
        }
        return result
    }

    func checkInterception(
        _ text: String,
        expectPresent: Bool,
        control: Control,
        from vantage: FilterTestsSection.Vantage
    ) -> FilterCheckResult {
        var result = FilterCheckResult(
            name: CanaryURL(text)?.host ?? text,
            kind: .tlsInterception,
            category: "tls",
            vantage: vantage.name,
            expect: expectPresent ? "present" : "absent",
            status: .inconclusive,
            target: text
        )
        guard let url = CanaryURL(text), url.isHTTPS else {
            result.evidence = ["`\(text)` is not an https:// URL"]
            return result
        }
        let observation = chain.observe(url, marker: nil, from: vantage)
        result.evidence = observation.evidence
        result.tlsIssuer = observation.tlsIssuer
        if case .blocked(let step) = observation.verdict, step != .tls { result.blockedBy = step }
        guard let trust = observation.tlsTrust else {
            result.evidence.append("no certificate seen; inconclusive")
            return result
        }
        let intercepted = trust != .publicCA
        let issuer = observation.tlsIssuer ?? "(unknown issuer)"
        result.evidence.append(
            intercepted
                ? "intercepted: certificate issued by \(issuer) (\(trust.rawValue))" : "not intercepted: \(issuer)"
        )
        if trust == .untrusted, intercepted {
            result.evidence.append("the issuer is neither a public CA nor the configured filter CA")
        }
        // Expected interception passes only with the school's own filter CA; an unknown issuer
        // is someone else in the middle.
        result.status = intercepted == expectPresent && trust != .untrusted ? .pass : .fail
        return result
    }
}
