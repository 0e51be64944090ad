import NetwardenCore
import NetwardenFiltering
import Testing

/// Every judging path of the filter test, over a scripted transport: each blocking style reads as
/// blocked at the right step, real content reads as allowed, and a failed control makes every
/// check inconclusive, never a pass.
@Suite struct FilterTestJudgeTests {
    static let vantage = FilterTestsSection.Vantage.defaultRoute
    static let fingerprints = BlockPageFingerprints.parse(
        """
        status  lab  403
        host    lab  block.filter.test
        title   lab  Blocked by the lab filter
        body    lab  lab-filter-says-no
        address lab  192.0.2.66
        """
    ).0

    private func run(
        _ transport: ScriptedFilterTransport,
        expect: FilterTestsSection.Expectation = .blocked,
        url: String = "https://canary.test/",
        marker: String? = "real canary",
        category: String = "gambling",
        blockPageAddresses: [String] = []
    ) -> FilterCheckResult {
        let suite = FilterTestSuite(
            chain: CanaryChain(
                transport: transport,
                fingerprints: Self.fingerprints,
                blockPageAddresses: blockPageAddresses
            )
        )
        let canary = FilterTestsSection.Canary(
            name: "c",
            category: category,
            url: url,
            expect: expect,
            marker: marker
        )
        let plan = FilterTestSuite.Plan(
            vantages: [Self.vantage],
            controlURLs: ["https://control.test/"],
            canaries: [canary]
        )
        let results = suite.run(plan)
        return results[0]
    }

    private static func withCanaryPage(_ page: FetchOutcome) -> ScriptedFilterTransport {
        var transport = ScriptedFilterTransport.online
        transport.site("canary.test", "198.51.100.7")
        transport.pages["https://canary.test/"] = page
        return transport
    }

    static let realPage = FetchOutcome(
        status: 200,
        body: "<p>real canary</p>",
        tlsTrust: .publicCA,
        tlsIssuer: "CN=Public"
    )

    // MARK: DNS

    @Test(arguments: [
        ("NXDOMAIN", [String]()), ("REFUSED", []), ("NOERROR", ["0.0.0.0"]), ("NOERROR", ["127.0.0.1"]),
        ("NOERROR", ["::"]), ("NOERROR", ["192.0.2.66"]), ("NOERROR", []),
    ])
    func dnsBlockingStylesReadAsBlockedByDNS(rcode: String, addresses: [String]) {
        var transport = ScriptedFilterTransport.online
        transport.dns["canary.test"] = DNSLookup(rcode: rcode, addresses: addresses)
        transport.dns6["canary.test"] = DNSLookup(rcode: rcode, addresses: [])
        let result = run(transport)
        #expect(result.status == .pass, "\(result.evidence)")
        #expect(result.blockedBy == .dns)
    }

    @Test func configuredBlockPageAddressAndBlockCNAMEAreDNSBlocks() {
        var transport = ScriptedFilterTransport.online
        transport.dns["canary.test"] = DNSLookup(rcode: "NOERROR", addresses: ["10.9.9.9"])
        #expect(run(transport, blockPageAddresses: ["10.9.9.9"]).blockedBy == .dns)
        transport.dns["canary.test"] = DNSLookup(
            rcode: "NOERROR",
            addresses: ["10.9.9.8"],
            cnames: ["x.block.filter.test"]
        )
        let result = run(transport)
        #expect(result.blockedBy == .dns && result.status == .pass)
        #expect(result.evidence.contains { $0.contains("CNAME") })
    }

    @Test func servfailOrNoAnswerIsInconclusive() {
        var transport = ScriptedFilterTransport.online
        transport.dns["canary.test"] = DNSLookup(rcode: "SERVFAIL")
        #expect(run(transport).status == .inconclusive)
        transport.dns["canary.test"] = nil
        let result = run(transport)
        #expect(result.status == .inconclusive && result.blockedBy == nil)
    }

    // MARK: TCP

    @Test(arguments: [ConnectOutcome.refused("RST"), .timeout("drop"), .unreachable("icmp")])
    func tcpResetDropOrRejectIsBlockedByTCP(outcome: ConnectOutcome) {
        var transport = ScriptedFilterTransport.online
        transport.site("canary.test", "198.51.100.7")
        transport.tcp["198.51.100.7"] = outcome
        let result = run(transport)
        #expect(result.status == .pass && result.blockedBy == .tcp)
    }

    @Test func tcpErrorOfOurOwnIsInconclusive() {
        var transport = ScriptedFilterTransport.online
        transport.site("canary.test", "198.51.100.7")
        transport.tcp["198.51.100.7"] = .error("no such interface")
        #expect(run(transport).status == .inconclusive)
    }

    // MARK: TLS

    @Test(arguments: [FetchOutcome.Failure.tlsReset, .tlsTimeout])
    func tlsResetOrStallIsBlockedByTLS(failure: FetchOutcome.Failure) {
        let result = run(Self.withCanaryPage(FetchOutcome(failure: failure, detail: "reset")))
        #expect(result.status == .pass && result.blockedBy == .tls)
    }

    @Test func blockPageOverTheFilterCertificateIsBlockedByTLS() {
        let page = FetchOutcome(
            status: 200,
            body: "lab-filter-says-no",
            tlsTrust: .untrusted,
            tlsIssuer: "CN=Filter CA"
        )
        let result = run(Self.withCanaryPage(page))
        #expect(result.status == .pass && result.blockedBy == .tls)
        #expect(result.tlsIssuer == "CN=Filter CA")
    }

    @Test func realContentOverAnUntrustedCertificateIsALeakButNotAnAllow() {
        var page = Self.realPage
        page.tlsTrust = .untrusted
        #expect(run(Self.withCanaryPage(page)).status == .fail)
        #expect(run(Self.withCanaryPage(page), expect: .allowed).status == .inconclusive)
    }

    // MARK: HTTP

    @Test func blockStatusTitleBodyAndRedirectAreBlockedByHTTP() {
        let pages = [
            FetchOutcome(status: 403, body: "forbidden", tlsTrust: .publicCA),
            FetchOutcome(status: 200, body: "<html><title>Blocked by the LAB filter</title>", tlsTrust: .publicCA),
            FetchOutcome(status: 200, body: "... lab-filter-says-no ...", tlsTrust: .publicCA),
            FetchOutcome(status: 302, location: "http://block.filter.test/?u=x", tlsTrust: .publicCA),
            FetchOutcome(failure: .httpReset, detail: "reset after GET"),
        ]
        for page in pages {
            let result = run(Self.withCanaryPage(page))
            #expect(result.status == .pass && result.blockedBy == .http, "\(page): \(result.evidence)")
        }
    }

    @Test func sameSiteRedirectIsFollowedThroughTheWholeChain() {
        var transport = Self.withCanaryPage(
            FetchOutcome(status: 301, location: "https://www.canary.test/", tlsTrust: .publicCA)
        )
        transport.site("www.canary.test", "198.51.100.8")
        transport.pages["https://www.canary.test/"] = Self.realPage
        let result = run(transport, expect: .allowed)
        #expect(result.status == .pass, "\(result.evidence)")
        #expect(result.evidence.contains { $0.contains("redirect") })
    }

    // MARK: allowed, leaks, over-blocking

    @Test func realContentWithTheMarkerIsAllowed() {
        let transport = Self.withCanaryPage(Self.realPage)
        let leak = run(transport)
        #expect(leak.status == .fail && leak.blockedBy == nil && !leak.overBlocking)
        let allowed = run(transport, expect: .allowed)
        #expect(allowed.status == .pass)
    }

    @Test func aReachableDoHEndpointIsABypassFindingAndABlockedOneAPass() {
        let reachable = run(Self.withCanaryPage(Self.realPage), category: FilterTestSuite.dohCategory)
        #expect(reachable.kind == .bypass && reachable.status == .fail)
        var blocked = ScriptedFilterTransport.online
        blocked.dns["canary.test"] = DNSLookup(rcode: "NXDOMAIN")
        let refused = run(blocked, category: FilterTestSuite.dohCategory)
        #expect(refused.kind == .bypass && refused.status == .pass && refused.blockedBy == .dns)
        #expect(run(blocked).kind == .canary)
    }

    @Test func aBlockedMustAllowSiteIsOverBlocking() {
        var transport = ScriptedFilterTransport.online
        transport.dns["canary.test"] = DNSLookup(rcode: "NXDOMAIN")
        let result = run(transport, expect: .allowed)
        #expect(result.status == .fail && result.overBlocking && result.blockedBy == .dns)
    }

    @Test func aPageWithNeitherMarkerNorBlockPageIsInconclusive() {
        let page = FetchOutcome(status: 200, body: "something else", tlsTrust: .publicCA)
        #expect(run(Self.withCanaryPage(page)).status == .inconclusive)
        #expect(run(Self.withCanaryPage(page), marker: nil).status == .fail)
    }

    // MARK: control

    @Test func aFailedControlMakesEveryCheckInconclusive() {
        var transport = ScriptedFilterTransport()  // dead network: nothing answers
        let dead = run(transport)
        #expect(dead.status == .inconclusive)
        // Even a textbook DNS block proves nothing when the control fails.
        transport.dns["canary.test"] = DNSLookup(rcode: "NXDOMAIN")
        let blocked = run(transport)
        #expect(blocked.status == .inconclusive && blocked.blockedBy == .dns)
        #expect(blocked.evidence.last?.contains("never a pass") == true)
    }

    @Test func bypassIsAFindingWhenReachableAndInconclusiveWithoutAControl() {
        let target = FilterTestsSection.Bypass(name: "dot", address: "192.0.2.53", port: 853, probe: .tcp)
        let plan = FilterTestSuite.Plan(
            vantages: [Self.vantage],
            controlURLs: ["https://control.test/"],
            canaries: [],
            bypass: [target]
        )
        var online = ScriptedFilterTransport.online
        let suite = { (transport: ScriptedFilterTransport) in
            FilterTestSuite(chain: CanaryChain(transport: transport, fingerprints: Self.fingerprints)).run(plan)[0]
        }
        #expect(suite(online).status == .pass)
        online.bypass["dot"] = .reachable("handshake")
        #expect(suite(online).status == .fail)
        #expect(suite(ScriptedFilterTransport()).status == .inconclusive)
    }

    // MARK: interception

    @Test func interceptionIsReportedWithItsIssuer() {
        func check(_ trust: TLSTrust, expectPresent: Bool) -> FilterCheckResult {
            var transport = ScriptedFilterTransport.online
            transport.pages["https://control.test/"]?.tlsTrust = trust
            transport.pages["https://control.test/"]?.tlsIssuer = "CN=Issuer \(trust.rawValue)"
            let plan = FilterTestSuite.Plan(
                vantages: [Self.vantage],
                controlURLs: ["https://control.test/"],
                canaries: [],
                interceptionURLs: ["https://control.test/"],
                expectInterception: expectPresent
            )
            return FilterTestSuite(chain: CanaryChain(transport: transport, fingerprints: Self.fingerprints)).run(plan)[
                0
            ]
        }
        #expect(check(.publicCA, expectPresent: false).status == .pass)
        let filter = check(.filterCA, expectPresent: false)
        #expect(filter.status == .fail && filter.tlsIssuer == "CN=Issuer filter_ca")
        #expect(check(.filterCA, expectPresent: true).status == .pass)
        #expect(check(.untrusted, expectPresent: true).status == .fail)
        #expect(check(.publicCA, expectPresent: true).status == .fail)
    }

    // MARK: summary

    @Test func exitCodesFollowTheContract() {
        func result(_ status: FilterCheckResult.Status) -> FilterCheckResult {
            FilterCheckResult(name: "n", kind: .canary, category: "c", vantage: "v", expect: "blocked", status: status)
        }
        #expect(FilterTestSummary([result(.pass)]).exitCode == 0)
        #expect(FilterTestSummary([result(.pass), result(.inconclusive)]).exitCode == 3)
        #expect(FilterTestSummary([result(.fail), result(.inconclusive)]).exitCode == 1)
        let json = FilterTestSummary.json([result(.pass)])
        #expect(json.hasPrefix("{\"checks\":[{\"name\":\"n\",\"kind\":\"canary\""))
        #expect(json.contains("\"blocked_by\":null"))
        #expect(json.hasSuffix("\"summary\":{\"pass\":1,\"fail\":0,\"inconclusive\":0}}"))
    }
}
