/// Turns link snapshots into metric samples.
///
/// Names mirror node_exporter's `node_network_*` series (same units, `_total` counters) with our
/// `netwarden_link_` prefix, so dashboards built for node_exporter translate with a rename.
public enum LinkMetrics {
    public static func samples(
        for snapshot: LinkSnapshot,
        role: String,
        identity: [(String, String)],
        timestampMilliseconds: Int64
    ) -> [MetricSample] {
        let labels = identity + [("interface", snapshot.name), ("role", role)]
        var out: [MetricSample] = []
        out.reserveCapacity(14)
        func add(_ name: String, _ value: Double) {
            out.append(
                MetricSample(name: name, labels: labels, value: value, timestampMilliseconds: timestampMilliseconds)
            )
        }
        add("netwarden_link_up", snapshot.isUp ? 1 : 0)
        if let carrier = snapshot.carrier { add("netwarden_link_carrier", carrier ? 1 : 0) }
        if let speed = snapshot.speedMbps { add("netwarden_link_speed_bytes", Double(speed) * 125_000) }
        if let mtu = snapshot.mtu { add("netwarden_link_mtu_bytes", Double(mtu)) }
        if let changes = snapshot.carrierChanges { add("netwarden_link_carrier_changes_total", Double(changes)) }
        let counters = snapshot.counters
        add("netwarden_link_receive_bytes_total", Double(counters.rxBytes))
        add("netwarden_link_transmit_bytes_total", Double(counters.txBytes))
        add("netwarden_link_receive_packets_total", Double(counters.rxPackets))
        add("netwarden_link_transmit_packets_total", Double(counters.txPackets))
        add("netwarden_link_receive_errors_total", Double(counters.rxErrors))
        add("netwarden_link_transmit_errors_total", Double(counters.txErrors))
        add("netwarden_link_receive_drop_total", Double(counters.rxDropped))
        add("netwarden_link_transmit_drop_total", Double(counters.txDropped))
        return out
    }

    /// `netwarden_default_route_info{interface,nexthop} 1` per default route, or
    /// `netwarden_default_route_present 0` when there is none (an uplink-down alert keys on it).
    public static func routeSamples(
        _ routes: [DefaultRoute],
        identity: [(String, String)],
        timestampMilliseconds: Int64
    ) -> [MetricSample] {
        var out = [
            MetricSample(
                name: "netwarden_default_route_present",
                labels: identity,
                value: routes.isEmpty ? 0 : 1,
                timestampMilliseconds: timestampMilliseconds
            )
        ]
        for route in routes {
            out.append(
                MetricSample(
                    name: "netwarden_default_route_info",
                    labels: identity + [("interface", route.interface), ("nexthop", route.gateway ?? "on-link")],
                    value: 1,
                    timestampMilliseconds: timestampMilliseconds
                )
            )
        }
        return out
    }
}
