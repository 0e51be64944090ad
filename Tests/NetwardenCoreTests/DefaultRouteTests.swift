import NetwardenCore
import Testing

@Suite struct DefaultRouteTests {
    // Captured from a gateway with two uplinks (metrics 100 and 200) and a LAN route.
    static let table = """
        Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
        eth1\t00000000\t0102A8C0\t0003\t0\t0\t200\t00000000\t0\t0\t0
        eth0\t00000000\t010A000A\t0003\t0\t0\t100\t00000000\t0\t0\t0
        eth0\t000A000A\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0
        ppp0\t00000000\t00000000\t0001\t0\t0\t300\t00000000\t0\t0\t0
        bad line
        """

    @Test func listsEveryDefaultRouteLowestMetricFirst() {
        let routes = DefaultRoute.parseProcNetRoute(Self.table)
        #expect(
            routes == [
                DefaultRoute(interface: "eth0", gateway: "10.0.10.1", metric: 100),
                DefaultRoute(interface: "eth1", gateway: "192.168.2.1", metric: 200),
                DefaultRoute(interface: "ppp0", gateway: nil, metric: 300),
            ]
        )
    }

    @Test func downRoutesAndGarbageAreIgnored() {
        let table =
            "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\neth0\t00000000\t010A000A\t0002\t0\t0\t0\t00000000\n\u{0}\u{1}"
        #expect(DefaultRoute.parseProcNetRoute(table).isEmpty)
        #expect(DefaultRoute.parseProcNetRoute("").isEmpty)
    }
}
