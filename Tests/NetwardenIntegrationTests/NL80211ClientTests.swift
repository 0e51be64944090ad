import Foundation
import NetwardenCore
import NetwardenPlatform
import NetwardenProtocols
import NetwardenTestSupport
import Testing

/// The lab kernel has no cfg80211: there the client must say "unavailable" cleanly and the
/// reader must fall back to /proc/net/wireless. On a host with Wi-Fi these skip.
@Suite(.timeLimit(.minutes(1)))
struct NL80211ClientTests {
    /// cfg80211 registers this class when loaded; its absence means no nl80211 family.
    static let hostHasCfg80211 = FileManager.default.fileExists(atPath: "/sys/class/ieee80211")

    @Test(.enabled(if: !hostHasCfg80211, "this host has cfg80211; nl80211 is expected to resolve"))
    func resolvingNL80211WithoutCfg80211IsUnavailable() {
        do {
            _ = try NL80211Client(receiveTimeout: .seconds(2))
            Issue.record("nl80211 resolved on a host without /sys/class/ieee80211")
        } catch {
            #expect(error.code == .unavailable, "\(error)")
            #expect(error.description.contains("nl80211 not available"))
            // The controller's answer is ENOENT when generic netlink works but the family is missing.
            if let netlink = error.netlinkError { #expect(netlink.errno == ENOENT) }
        }
    }

    @Test(.enabled(if: !hostHasCfg80211, "this host has cfg80211"))
    func theReaderFallsBackToProcNetWireless() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nw-wireless-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try """
        Inter-| sta-|   Quality        |   Discarded packets               | Missed | WE
         face | tus | link level noise |  nwid  crypt   frag  retry   misc | beacon | 22
         wlan0: 0000   70.  -40.  -256        0      0      0      0      0        7
        garbage
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let reading = WifiReader(procNetWireless: path).read()
        #expect(reading.snapshot.source == .procNetWireless)
        #expect(reading.nl80211Error?.code == .unavailable)
        #expect(reading.procMalformedLines == 1)
        #expect(reading.snapshot.interfaces.map(\.name) == ["wlan0"])
        #expect(reading.snapshot.interfaces.first?.wireless?.missedBeacons == 7)
    }

    @Test func withNeitherSourceTheSnapshotSaysNone() {
        let reading = WifiReader(procNetWireless: "/nonexistent/netwarden/wireless", useNL80211: false).read()
        #expect(reading.snapshot.source == WifiSnapshot.Source.none)
        #expect(reading.snapshot.interfaces.isEmpty && reading.nl80211Error == nil)
    }
}

/// The platform's translation of decoded nl80211 records into the core's Wi-Fi model.
@Suite struct NL80211WifiModelTests {
    private func decode<R>(_ bytes: [UInt8], _ decode: (NetlinkMessage) throws(NetlinkError) -> R) throws -> [R] {
        var records: [R] = []
        var collector = NetlinkReplyCollector(sequence: 1, expectation: .dump)
        _ = try bytes.withUnsafeBytes { raw in
            try collector.feed(raw) { message throws(NetlinkError) in records.append(try decode(message)) }
        }
        return records
    }

    @Test func interfacesAndStationsMapOntoTheCoreModel() throws {
        let interfaces = try decode(NL80211Fixtures.interfaceDump(sequence: 1), NL80211Interface.decode)
        let uplink = try decode(NL80211Fixtures.uplinkStationDump(sequence: 1), NL80211Station.decode).map(
            WifiStationInfo.init
        )
        let wlan0 = WifiInterfaceInfo(interfaces[0], bssid: uplink.first?.mac)
        #expect(
            wlan0
                == WifiInterfaceInfo(
                    name: "wlan0",
                    mode: .station,
                    ssid: "SchoolNet",
                    bssid: "02:aa:bb:cc:dd:ee",
                    mac: "02:00:00:00:00:01",
                    frequencyMHz: 5180,
                    channelWidthMHz: 80
                )
        )
        #expect(wlan0.channel == 36)
        let wlan1 = WifiInterfaceInfo(interfaces[1], bssid: nil)
        #expect(wlan1.mode == .accessPoint && wlan1.channel == 6 && wlan1.ssid == "SchoolGuest")

        let clients = try decode(NL80211Fixtures.accessPointStationDump(sequence: 1), NL80211Station.decode)
            .map(WifiStationInfo.init)
        #expect(clients.map(\.mac) == ["02:11:22:33:44:01", "02:11:22:33:44:02", "02:11:22:33:44:03"])
        #expect(clients[0].txBitrateBitsPerSecond == 866_700_000 && clients[0].txRetries == 12)
        #expect(clients[1].signalDBm == -71)
    }

    @Test func unprintableSSIDsAreEscaped() throws {
        var builder = NetlinkMessageBuilder()
        builder.genericMessage(family: 0x1c, command: 7, flags: 2, sequence: 1) { b in
            b.u32(3, 5)
            b.u32(5, 2)
            b.attribute(52, [0x53, 0x0a, 0xff, 0x5c])  // "S", newline, invalid UTF-8, backslash
        }
        builder.done(sequence: 1)
        let interface = try #require(try decode(builder.bytes, NL80211Interface.decode).first)
        let info = WifiInterfaceInfo(interface, bssid: nil)
        #expect(info.ssid == "S\\x0a\\xff\\x5c")
        #expect(info.name == "ifindex5")
    }
}
