import Foundation
import NetwardenFiltering
import NetwardenProtocols
import Testing

/// The lists shipped in etc/netwarden/lists load cleanly and contain what the docs promise.
@Suite struct ShippedListTests {
    static func bytes(_ relative: String) -> [UInt8] {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        let path = parts.joined(separator: "/") + "/etc/netwarden/lists/" + relative
        return (try? Array(Data(contentsOf: URL(fileURLWithPath: path)))) ?? []
    }

    @Test func dohProvidersLoadWithoutProblems() throws {
        var builder = try CategoryMatcherBuilder(categories: [FilterCategory(name: "doh", policy: .monitor)])
        let report = builder.addList(
            contents: Self.bytes("doh-providers.txt"),
            fileName: "doh-providers.txt",
            format: .domains,
            category: 0
        )
        #expect(report.invalid == 0 && report.domains >= 20, "\(report.messages)")
        let matcher = try builder.build()
        for name in ["dns.google", "mozilla.cloudflare-dns.com", "dns.quad9.net", "doh.opendns.com", "dns.nextdns.io"] {
            #expect(!matcher.match(name).isEmpty, "\(name)")
        }
    }

    @Test func resolverAddressesAndTorListLoadWithoutProblems() {
        var resolvers = AddressList()
        resolvers.add(contents: Self.bytes("doh-resolver-addresses.txt"), fileName: "doh-resolver-addresses.txt")
        #expect(resolvers.invalid == 0, "\(resolvers.problems)")
        for text in [
            "8.8.8.8", "1.1.1.1", "9.9.9.9", "149.112.112.112", "2001:4860:4860::8888", "2606:4700:4700::1111",
        ] {
            #expect(resolvers.contains(IPAddress(text: text)!), "\(text)")
        }
        var tor = AddressList()
        tor.add(contents: Self.bytes("tor-relays.txt"), fileName: "tor-relays.txt")
        #expect(tor.invalid == 0 && !Self.bytes("tor-relays.txt").isEmpty)
    }

    @Test func examplesLoadInTheirFormats() throws {
        var builder = try CategoryMatcherBuilder(categories: [FilterCategory(name: "x", policy: .monitor)])
        for (file, format) in [
            ("examples/adult-domains.txt", ListFormat.domains), ("examples/gambling-hosts.txt", .hosts),
            ("examples/ads-adblock.txt", .adblock),
        ] {
            let report = builder.addList(contents: Self.bytes(file), fileName: file, format: format, category: 0)
            #expect(report.invalid == 0 && report.domains >= 2, "\(file): \(report.messages)")
        }
    }
}
