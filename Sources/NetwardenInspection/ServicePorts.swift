/// Decides which end of a flow is the server when the packets do not say (no SYN captured, or
/// UDP), from how service-like each port is.
///
/// A SYN settles it when present. Otherwise the port that looks more like a service wins: a port
/// we know a protocol for, then any port below 1024, then the registered range, and last the
/// ephemeral range Linux, Windows and macOS pick client ports from. A tie (two ephemeral ports,
/// say) falls back to "whoever sent first is the client".
enum ServicePorts {
    /// Ports of protocols this engine reads or reports, and common proxy ports; a client port is
    /// never one of these in practice.
    static let known: [UInt16] = [
        53, 80, 443, 500, 853, 1194, 1701, 1723, 3128, 3478, 4500, 5228, 8000, 8008, 8080, 8443, 8888, 9001, 51_820,
    ]

    /// Higher is more service-like.
    static func rank(_ port: UInt16, dnsPorts: [UInt16]) -> Int {
        if known.contains(port) || dnsPorts.contains(port) { return 3 }
        if port < 1024 { return 2 }
        if port < 32_768 { return 1 }
        return 0
    }

    /// Whether the sender of a flow's first captured packet is the client.
    static func senderIsClient(sourcePort: UInt16, destinationPort: UInt16, dnsPorts: [UInt16]) -> Bool {
        let source = rank(sourcePort, dnsPorts: dnsPorts)
        let destination = rank(destinationPort, dnsPorts: dnsPorts)
        return source == destination ? true : destination > source
    }
}
