import NetwardenCore
import NetwardenFiltering

/// A transport answering from tables, so every judging path runs without a socket. Anything not
/// scripted behaves like a dead network (no DNS answer, TCP timeout, fetch failure).
struct ScriptedFilterTransport: FilterTestTransport {
    var dns: [String: DNSLookup] = [:]
    var dns6: [String: DNSLookup] = [:]
    var tcp: [String: ConnectOutcome] = [:]
    var pages: [String: FetchOutcome] = [:]
    var bypass: [String: BypassOutcome] = [:]

    func resolve(_ name: String, ipv6: Bool, from vantage: FilterTestsSection.Vantage) -> DNSLookup {
        (ipv6 ? dns6 : dns)[name] ?? DNSLookup(rcode: nil, failure: "timeout")
    }

    func connect(address: String, port: Int, from vantage: FilterTestsSection.Vantage) -> ConnectOutcome {
        tcp[address] ?? .timeout("silence")
    }

    func fetch(_ url: CanaryURL, address: String, from vantage: FilterTestsSection.Vantage) -> FetchOutcome {
        pages[url.text] ?? FetchOutcome(failure: .other, detail: "nothing scripted")
    }

    func probeBypass(_ target: FilterTestsSection.Bypass, from vantage: FilterTestsSection.Vantage) -> BypassOutcome {
        bypass[target.name] ?? .blocked("timeout")
    }

    /// A working internet: the control site resolves, connects and answers 200.
    static var online: ScriptedFilterTransport {
        var transport = ScriptedFilterTransport()
        transport.dns["control.test"] = DNSLookup(rcode: "NOERROR", addresses: ["192.0.2.1"])
        transport.tcp["192.0.2.1"] = .connected
        transport.pages["https://control.test/"] = FetchOutcome(
            status: 200,
            body: "control page",
            tlsTrust: .publicCA,
            tlsIssuer: "CN=Public CA"
        )
        return transport
    }

    /// The canary `host` resolving to `address` and reachable over TCP.
    mutating func site(_ host: String, _ address: String) {
        dns[host] = DNSLookup(rcode: "NOERROR", addresses: [address])
        tcp[address] = .connected
    }
}
