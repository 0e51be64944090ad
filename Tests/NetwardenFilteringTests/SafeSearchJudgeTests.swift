import NetwardenCore
import NetwardenFiltering
import Testing

/// Safe search is enforced only when both A and AAAA lead to the enforced name.
@Suite struct SafeSearchJudgeTests {
    static let target = FilterTestsSection.SafeSearch(
        name: "google",
        host: "www.google.test",
        enforced: ["safe.google.test"]
    )

    private func check(_ transport: ScriptedFilterTransport, controlWorks: Bool = true) -> FilterCheckResult {
        SafeSearchJudge.check(
            Self.target,
            control: .init(works: controlWorks, evidence: "control"),
            transport: transport,
            from: .defaultRoute
        )
    }

    private static var enforcedName: ScriptedFilterTransport {
        var transport = ScriptedFilterTransport()
        transport.dns["safe.google.test"] = DNSLookup(rcode: "NOERROR", addresses: ["192.0.2.10"])
        transport.dns6["safe.google.test"] = DNSLookup(rcode: "NOERROR", addresses: ["2001:db8::10"])
        return transport
    }

    @Test func cnameForBothFamiliesIsEnforced() {
        var transport = Self.enforcedName
        for family in [false, true] {
            let lookup = DNSLookup(
                rcode: "NOERROR",
                addresses: [family ? "2001:db8::10" : "192.0.2.10"],
                cnames: ["safe.google.test."]
            )
            if family { transport.dns6["www.google.test"] = lookup } else { transport.dns["www.google.test"] = lookup }
        }
        #expect(check(transport).status == .pass)
    }

    @Test func sameAddressesWithoutACNAMEAreEnforced() {
        var transport = Self.enforcedName
        transport.dns["www.google.test"] = DNSLookup(rcode: "NOERROR", addresses: ["192.0.2.10"])
        transport.dns6["www.google.test"] = DNSLookup(rcode: "NOERROR", addresses: ["2001:db8:0:0::10"])
        #expect(check(transport).status == .pass)
    }

    @Test func anUnrewrittenAAAAIsNotEnforced() {
        var transport = Self.enforcedName
        transport.dns["www.google.test"] = DNSLookup(
            rcode: "NOERROR",
            addresses: ["192.0.2.10"],
            cnames: ["safe.google.test"]
        )
        transport.dns6["www.google.test"] = DNSLookup(rcode: "NOERROR", addresses: ["2001:db8::99"])
        let result = check(transport)
        #expect(result.status == .fail)
        #expect(result.evidence.contains { $0.hasPrefix("AAAA") && $0.contains("NOT enforced") })
    }

    @Test func noAAAAAtAllLeavesNothingToLeak() {
        var transport = Self.enforcedName
        transport.dns["www.google.test"] = DNSLookup(rcode: "NOERROR", addresses: ["192.0.2.10"])
        transport.dns6["www.google.test"] = DNSLookup(rcode: "NOERROR")
        #expect(check(transport).status == .pass)
    }

    @Test func unrewrittenAIsNotEnforced() {
        var transport = Self.enforcedName
        transport.dns["www.google.test"] = DNSLookup(rcode: "NOERROR", addresses: ["198.51.100.1"])
        transport.dns6["www.google.test"] = DNSLookup(rcode: "NOERROR")
        #expect(check(transport).status == .fail)
    }

    @Test func aDeadResolverOrControlIsInconclusive() {
        #expect(check(ScriptedFilterTransport()).status == .inconclusive)
        var transport = Self.enforcedName
        transport.dns["www.google.test"] = DNSLookup(rcode: "NOERROR", addresses: ["192.0.2.10"])
        transport.dns6["www.google.test"] = DNSLookup(rcode: "NOERROR")
        #expect(check(transport, controlWorks: false).status == .inconclusive)
    }
}
