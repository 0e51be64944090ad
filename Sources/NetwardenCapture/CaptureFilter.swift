import NetwardenProtocols

/// The BPF expression a capture installs, built from what the engine needs.
///
/// The engine looks for TLS on any port (filters are bypassed on 8443, 4433, ...), HTTP on any
/// port and QUIC and DNS on their usual ones, and it samples flows to judge outcomes, so the
/// default is every IPv4 and IPv6 packet: `ip or ip6`. Narrowing is a deployment choice that
/// trades coverage for CPU on very busy links; ``selected(tcpPorts:udpPorts:)`` keeps what names
/// come from and drops the rest in the kernel, before it costs a copy into the ring:
///
/// ```
/// tcp or udp port 53 or udp port 443 or udp port 853 or (ip[6:2] & 0x1fff != 0) or (ip6[6] = 44)
/// ```
///
/// The fragment clauses keep non-first IPv4 and IPv6 fragments, which carry no ports: a large
/// DNS response split by IP fragmentation would otherwise reach the engine as its first piece
/// only.
///
/// VLAN-tagged traffic (a gateway trunking several school VLANs) only matches a clause that
/// says `vlan` first, because the tag shifts every offset; with ``includesVLANTagged`` the
/// expression `X` becomes `(X) or (vlan and (X))`, or `(X) or (vlan and ((X) or (vlan and (X))))`
/// for 802.1ad double tags when ``includesDoubleTagged`` is set.
public struct CaptureFilter: Hashable, Sendable {
    /// Which packets to keep, before VLAN handling.
    public enum Traffic: Hashable, Sendable {
        /// Every IPv4 and IPv6 packet.
        case allIP
        /// TCP on `tcpPorts` (nil: every TCP port), UDP on `udpPorts`, and IP fragments.
        case selected(tcpPorts: [UInt16]?, udpPorts: [UInt16])
        /// A hand-written expression, used as is (still wrapped for VLANs).
        case expression(String)
    }

    public var traffic: Traffic
    public var includesVLANTagged: Bool
    public var includesDoubleTagged: Bool

    public init(traffic: Traffic = .allIP, includesVLANTagged: Bool = true, includesDoubleTagged: Bool = false) {
        self.traffic = traffic
        self.includesVLANTagged = includesVLANTagged
        self.includesDoubleTagged = includesDoubleTagged
    }

    /// Everything the engine can use: all IP traffic, tagged or not.
    public static let `default` = CaptureFilter()

    /// All TCP, DNS (53), QUIC and HTTP/3 (443), DNS over QUIC (853), and fragments.
    public static let namesOnly = CaptureFilter(traffic: .selected(tcpPorts: nil, udpPorts: [53, 443, 853]))

    /// The untagged clause, before VLAN wrapping.
    public var untaggedExpression: String {
        switch traffic {
        case .allIP:
            return "ip or ip6"
        case .expression(let text):
            return text
        case .selected(let tcpPorts, let udpPorts):
            var clauses: [String] = []
            if let tcpPorts {
                clauses += tcpPorts.map { "tcp port \($0)" }
            } else {
                clauses.append("tcp")
            }
            clauses += udpPorts.map { "udp port \($0)" }
            clauses += ["(ip[6:2] & 0x1fff != 0)", "(ip6[6] = 44)"]
            return clauses.joined(separator: " or ")
        }
    }

    /// The expression to hand to ``PcapHandle/setFilter(_:)`` on an Ethernet handle.
    public var expression: String { expression(for: .ethernet) }

    /// The expression for a handle of `linkType`: VLAN clauses only where frames can carry tags
    /// (Ethernet); BPF refuses `vlan` on raw-IP and cooked links.
    public func expression(for linkType: LinkType) -> String {
        let base = untaggedExpression
        guard includesVLANTagged, linkType == .ethernet else { return base }
        guard includesDoubleTagged else { return "(\(base)) or (vlan and (\(base)))" }
        // Nested, not a third `or` clause: a `vlan` keyword shifts the offsets for the rest of
        // the whole expression, so a separate `vlan and vlan` clause would look for three tags.
        return "(\(base)) or (vlan and ((\(base)) or (vlan and (\(base)))))"
    }
}
