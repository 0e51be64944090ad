/// The shape of a lab network: hosts (each a network namespace), veth links between them with
/// their addresses, and routes. A value: build it, then hand it to `Lab.with` or `Lab.start`.
///
/// Interface names are per host and short (`lan0`, `up0`): veth ends are created directly inside
/// their namespaces, so they never meet another run's interfaces and need no run-unique names.
///
/// `school` is the standard shape; `school(uplinks: 2)` adds a second uplink for source-binding
/// tests; `addHost`/`addLink`/`addRoute` build anything else.
public struct LabTopology: Sendable {
    /// A host: one network namespace.
    public struct Host: Sendable {
        public var name: String
        /// IPv4 and IPv6 forwarding on (a router).
        public var forwardsPackets: Bool
        /// Addresses on `lo` (CIDR), reachable over any link: stable "service" addresses for
        /// servers, like an anycast address on the internet side.
        public var loopbackAddresses: [String]
    }

    /// One end of a link.
    public struct Endpoint: Sendable {
        public var host: String
        /// At most 15 bytes (IFNAMSIZ - 1).
        public var interface: String
        /// CIDR addresses, IPv4 and IPv6 mixed.
        public var addresses: [String]

        public init(host: String, interface: String, addresses: [String]) {
            self.host = host
            self.interface = interface
            self.addresses = addresses
        }
    }

    /// A veth pair.
    public struct Link: Sendable {
        public var name: String
        public var a: Endpoint
        public var b: Endpoint
    }

    /// A route in one host; the address family follows the destination or gateway.
    public struct Route: Sendable {
        public var host: String
        /// "default" or a CIDR prefix.
        public var destination: String
        public var gateway: String?
        public var interface: String?
        public var metric: Int?
        /// True for IPv6 ("default" alone says nothing, so this is stored).
        public var isIPv6: Bool
    }

    public private(set) var hosts: [Host] = []
    public private(set) var links: [Link] = []
    public private(set) var routes: [Route] = []

    public init() {}

    public mutating func addHost(_ name: String, forwardsPackets: Bool = false, loopbackAddresses: [String] = []) {
        hosts.append(Host(name: name, forwardsPackets: forwardsPackets, loopbackAddresses: loopbackAddresses))
    }

    public mutating func addLink(_ name: String, _ a: Endpoint, _ b: Endpoint) {
        links.append(Link(name: name, a: a, b: b))
    }

    /// Adds a route. `gateway` or `interface` (or both) must be given.
    public mutating func addRoute(
        in host: String,
        to destination: String,
        via gateway: String? = nil,
        interface: String? = nil,
        metric: Int? = nil,
        ipv6: Bool? = nil
    ) {
        let isIPv6 = ipv6 ?? (destination.contains(":") || (gateway?.contains(":") ?? false))
        routes.append(
            Route(
                host: host,
                destination: destination,
                gateway: gateway,
                interface: interface,
                metric: metric,
                isIPv6: isIPv6
            )
        )
    }

    /// The addresses (without prefix length) of `host` on `interface`, IPv4 first.
    public func addresses(of host: String, interface: String) -> [String] {
        links.flatMap { [$0.a, $0.b] }.filter { $0.host == host && $0.interface == interface }
            .flatMap(\.addresses).map { String($0.split(separator: "/")[0]) }
            .sorted { !$0.contains(":") && $1.contains(":") }
    }

    /// Checks names before anything is created, so a typo fails with a clear message instead of
    /// an `ip` error halfway through building.
    func validate() throws(LabError) {
        var seen = Set<String>()
        for host in hosts {
            guard !host.name.isEmpty, host.name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
            else { throw LabError(code: .invalidTopology, message: "host name '\(host.name)' must be [A-Za-z0-9-]+") }
            guard seen.insert(host.name).inserted else {
                throw LabError(code: .invalidTopology, message: "host '\(host.name)' is defined twice")
            }
        }
        var interfaces = Set<String>()
        for link in links {
            for end in [link.a, link.b] {
                guard seen.contains(end.host) else {
                    throw LabError(
                        code: .invalidTopology,
                        message: "link '\(link.name)' names unknown host '\(end.host)'"
                    )
                }
                guard !end.interface.isEmpty, end.interface.utf8.count <= 15, end.interface != "lo" else {
                    throw LabError(
                        code: .invalidTopology,
                        message: "interface '\(end.interface)' on \(end.host) must be 1-15 bytes and not 'lo'"
                    )
                }
                guard interfaces.insert("\(end.host)/\(end.interface)").inserted else {
                    throw LabError(code: .invalidTopology, message: "\(end.host) has two interfaces '\(end.interface)'")
                }
            }
        }
        for route in routes where !seen.contains(route.host) {
            throw LabError(code: .invalidTopology, message: "route names unknown host '\(route.host)'")
        }
    }
}

extension LabTopology {
    /// Names and addresses of the standard school topology:
    ///
    /// ```
    ///  client lan0 ──── lan0 gateway up0 ──── up0 internet (lo: service addresses)
    ///  10.200.1.2        10.200.1.1   10.200.2.1   10.200.2.2   10.200.100.1
    ///  fd00:200:1::2     fd00:200:1::1 fd00:200:2::1 fd00:200:2::2 fd00:200:100::1
    ///                                up1 ──── up1                (two-uplink variant)
    ///                                10.200.3.1   10.200.3.2
    /// ```
    ///
    /// The internet side routes the school LAN back through uplink 0 (no NAT: the lab is about
    /// reachability, not address translation).
    public enum School {
        public static let client = "client"
        public static let gateway = "gateway"
        public static let internet = "internet"
        public static let lanInterface = "lan0"

        public static let clientIPv4 = "10.200.1.2"
        public static let clientIPv6 = "fd00:200:1::2"
        public static let gatewayLANIPv4 = "10.200.1.1"
        public static let gatewayLANIPv6 = "fd00:200:1::1"
        /// Where servers on the internet side listen: on its loopback, reachable over every
        /// uplink.
        public static let serviceIPv4 = "10.200.100.1"
        public static let serviceIPv6 = "fd00:200:100::1"

        public static func uplinkInterface(_ index: Int) -> String { "up\(index)" }
        public static func gatewayUplinkIPv4(_ index: Int) -> String { "10.200.\(2 + index).1" }
        public static func gatewayUplinkIPv6(_ index: Int) -> String { "fd00:200:\(2 + index)::1" }
        public static func internetUplinkIPv4(_ index: Int) -> String { "10.200.\(2 + index).2" }
        public static func internetUplinkIPv6(_ index: Int) -> String { "fd00:200:\(2 + index)::2" }
    }

    /// client ── gateway ── internet, one uplink.
    public static var school: LabTopology { school(uplinks: 1) }

    /// The school topology with `uplinks` (1 to 9) veth links between gateway and internet, each
    /// in its own subnet. The gateway's default route uses uplink 0; uplink N has a default route
    /// with metric 100 * (N + 1), so binding to `upN` (SO_BINDTODEVICE, `ping -I upN`) selects it.
    public static func school(uplinks: Int) -> LabTopology {
        precondition((1...9).contains(uplinks), "1 to 9 uplinks")
        typealias S = School
        var topology = LabTopology()
        topology.addHost(S.client)
        topology.addHost(S.gateway, forwardsPackets: true)
        topology.addHost(S.internet, loopbackAddresses: [S.serviceIPv4 + "/32", S.serviceIPv6 + "/128"])
        topology.addLink(
            "lan",
            Endpoint(
                host: S.client,
                interface: S.lanInterface,
                addresses: [S.clientIPv4 + "/24", S.clientIPv6 + "/64"]
            ),
            Endpoint(
                host: S.gateway,
                interface: S.lanInterface,
                addresses: [S.gatewayLANIPv4 + "/24", S.gatewayLANIPv6 + "/64"]
            )
        )
        topology.addRoute(in: S.client, to: "default", via: S.gatewayLANIPv4)
        topology.addRoute(in: S.client, to: "default", via: S.gatewayLANIPv6)
        for index in 0..<uplinks {
            let interface = S.uplinkInterface(index)
            topology.addLink(
                "uplink\(index)",
                Endpoint(
                    host: S.gateway,
                    interface: interface,
                    addresses: [S.gatewayUplinkIPv4(index) + "/24", S.gatewayUplinkIPv6(index) + "/64"]
                ),
                Endpoint(
                    host: S.internet,
                    interface: interface,
                    addresses: [S.internetUplinkIPv4(index) + "/24", S.internetUplinkIPv6(index) + "/64"]
                )
            )
            let metric = 100 * (index + 1)
            topology.addRoute(
                in: S.gateway,
                to: "default",
                via: S.internetUplinkIPv4(index),
                interface: interface,
                metric: metric
            )
            topology.addRoute(
                in: S.gateway,
                to: "default",
                via: S.internetUplinkIPv6(index),
                interface: interface,
                metric: metric
            )
        }
        topology.addRoute(in: S.internet, to: "10.200.1.0/24", via: S.gatewayUplinkIPv4(0))
        topology.addRoute(in: S.internet, to: "fd00:200:1::/64", via: S.gatewayUplinkIPv6(0))
        return topology
    }
}
