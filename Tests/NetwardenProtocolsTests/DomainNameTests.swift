import NetwardenProtocols
import Testing

@Suite struct DomainNameTests {
    @Test func normalisesCaseAndTrailingDot() {
        #expect(DomainName(parsing: "WWW.Example.COM.")?.description == "www.example.com")
        #expect(DomainName(parsing: "www.example.com") == DomainName(parsing: "WWW.EXAMPLE.COM"))
        #expect(DomainName(parsing: String(repeating: "a", count: 254)) == nil)
        #expect(Set<DomainName>(["a.example", "A.EXAMPLE"]).count == 1)
        #expect(DomainName("Literal.Example").description == "literal.example")
    }

    @Test func subdomainMatchingIsLabelAligned() {
        let domain: DomainName = "example.com"
        #expect(DomainName(parsing: "example.com")!.isSubdomain(of: domain))
        #expect(DomainName(parsing: "www.example.com")!.isSubdomain(of: domain))
        #expect(!DomainName(parsing: "badexample.com")!.isSubdomain(of: domain))
        #expect(!DomainName(parsing: "com")!.isSubdomain(of: domain))
        #expect(DomainName(parsing: "anything")!.isSubdomain(of: DomainName()))
    }

    @Test func appendRefusesToOverflow() {
        var name = DomainName()
        let big = [UInt8](repeating: 0x61, count: 253)
        let appended = big.withUnsafeBytes { name.append(contentsOf: $0) }
        #expect(appended)
        let overflowed = name.append(0x62)
        #expect(!overflowed)
        #expect(name.count == DomainName.capacity)
        name.removeAll()
        #expect(name.isEmpty)
    }
}
