// Link state and counters. Names mirror node_exporter's `node_network_*` series (same units,
// `_total` counters) with a `netwarden_link_` prefix, so its dashboards translate with a rename.
extension MetricFamily {
    public static let linkUp = MetricFamily(
        "netwarden_link_up",
        .gauge,
        help: "Whether the interface is operationally up."
    )
    public static let linkCarrier = MetricFamily(
        "netwarden_link_carrier",
        .gauge,
        help: "Whether the interface has carrier."
    )
    public static let linkSpeed = MetricFamily(
        "netwarden_link_speed_bytes",
        .gauge,
        unit: "bytes",
        help: "Negotiated link speed in bytes per second."
    )
    public static let linkMTU = MetricFamily(
        "netwarden_link_mtu_bytes",
        .gauge,
        unit: "bytes",
        help: "Interface MTU."
    )
    public static let linkCarrierChanges = MetricFamily(
        "netwarden_link_carrier_changes_total",
        .counter,
        help: "Carrier changes since the interface was created."
    )
    public static let linkReceiveBytes = MetricFamily(
        "netwarden_link_receive_bytes_total",
        .counter,
        unit: "bytes",
        help: "Bytes received."
    )
    public static let linkTransmitBytes = MetricFamily(
        "netwarden_link_transmit_bytes_total",
        .counter,
        unit: "bytes",
        help: "Bytes transmitted."
    )
    public static let linkReceivePackets = MetricFamily(
        "netwarden_link_receive_packets_total",
        .counter,
        help: "Packets received."
    )
    public static let linkTransmitPackets = MetricFamily(
        "netwarden_link_transmit_packets_total",
        .counter,
        help: "Packets transmitted."
    )
    public static let linkReceiveErrors = MetricFamily(
        "netwarden_link_receive_errors_total",
        .counter,
        help: "Receive errors."
    )
    public static let linkTransmitErrors = MetricFamily(
        "netwarden_link_transmit_errors_total",
        .counter,
        help: "Transmit errors."
    )
    public static let linkReceiveDrop = MetricFamily(
        "netwarden_link_receive_drop_total",
        .counter,
        help: "Received packets dropped."
    )
    public static let linkTransmitDrop = MetricFamily(
        "netwarden_link_transmit_drop_total",
        .counter,
        help: "Transmitted packets dropped."
    )
    public static let defaultRoutePresent = MetricFamily(
        "netwarden_default_route_present",
        .gauge,
        help: "Whether the gateway has a default route (0 means no route to the internet)."
    )
    public static let defaultRouteInfo = MetricFamily(
        "netwarden_default_route_info",
        .info,
        help: "One series per default route: its interface and next hop."
    )

    static let linkFamilies: [MetricFamily] = [
        linkUp, linkCarrier, linkSpeed, linkMTU, linkCarrierChanges, linkReceiveBytes, linkTransmitBytes,
        linkReceivePackets, linkTransmitPackets, linkReceiveErrors, linkTransmitErrors, linkReceiveDrop,
        linkTransmitDrop, defaultRoutePresent, defaultRouteInfo,
    ]
}
