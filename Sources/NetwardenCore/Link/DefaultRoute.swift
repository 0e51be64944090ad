/// The IPv4 default route as the kernel's `/proc/net/route` table lists it.
///
/// Parsed here (pure) and read by NetwardenPlatform. `/proc/net/route` is used instead of
/// rtnetlink because it needs no socket or capability and its format has been stable for decades.
public struct DefaultRoute: Sendable, Equatable {
    public var interface: String
    /// Dotted-quad gateway, or nil for an on-link default route (point-to-point uplinks).
    public var gateway: String?
    public var metric: Int

    public init(interface: String, gateway: String?, metric: Int) {
        self.interface = interface
        self.gateway = gateway
        self.metric = metric
    }

    /// Every default route in the table (a gateway with two uplinks has two), lowest metric first.
    /// Malformed lines are skipped: this file is written by the kernel, and one odd line must not
    /// hide the others.
    public static func parseProcNetRoute(_ text: String) -> [DefaultRoute] {
        var routes: [DefaultRoute] = []
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            // Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT
            guard fields.count >= 8,
                fields[1] == "00000000", fields[7] == "00000000",
                let flags = UInt32(fields[3], radix: 16), flags & 0x1 != 0,  // RTF_UP
                let gatewayRaw = UInt32(fields[2], radix: 16),
                let metric = Int(fields[6])
            else { continue }
            // The kernel prints the address in host byte order of a little-endian u32.
            let gateway: String? =
                gatewayRaw == 0
                ? nil
                : [gatewayRaw & 0xff, (gatewayRaw >> 8) & 0xff, (gatewayRaw >> 16) & 0xff, gatewayRaw >> 24]
                    .map(String.init).joined(separator: ".")
            routes.append(DefaultRoute(interface: String(fields[0]), gateway: gateway, metric: metric))
        }
        return routes.sorted { $0.metric < $1.metric }
    }
}
