import NetwardenCore

/// Link snapshots and default routes as observations of the link families.
public enum LinkObservations {
    public static func observations(for snapshot: LinkSnapshot, role: String) -> [Observation] {
        var list = ObservationList(common: [Label("interface", snapshot.name), Label("role", role)])
        list.add(.linkUp, snapshot.isUp)
        if let carrier = snapshot.carrier { list.add(.linkCarrier, carrier) }
        if let speed = snapshot.speedMbps { list.add(.linkSpeed, Double(speed) * 125_000) }
        if let mtu = snapshot.mtu { list.add(.linkMTU, mtu) }
        if let changes = snapshot.carrierChanges { list.add(.linkCarrierChanges, Double(changes)) }
        let counters = snapshot.counters
        list.add(.linkReceiveBytes, Double(counters.rxBytes))
        list.add(.linkTransmitBytes, Double(counters.txBytes))
        list.add(.linkReceivePackets, Double(counters.rxPackets))
        list.add(.linkTransmitPackets, Double(counters.txPackets))
        list.add(.linkReceiveErrors, Double(counters.rxErrors))
        list.add(.linkTransmitErrors, Double(counters.txErrors))
        list.add(.linkReceiveDrop, Double(counters.rxDropped))
        list.add(.linkTransmitDrop, Double(counters.txDropped))
        return list.items
    }

    /// `netwarden_default_route_present` (0 when there is none: an uplink-down alert keys on
    /// it) and one `netwarden_default_route_info{interface,nexthop}` per route.
    public static func observations(for routes: [DefaultRoute]) -> [Observation] {
        var list = ObservationList()
        list.add(.defaultRoutePresent, !routes.isEmpty)
        for route in routes {
            list.add(
                .defaultRouteInfo,
                1,
                [Label("interface", route.interface), Label("nexthop", route.gateway ?? "on-link")]
            )
        }
        return list.items
    }
}
