import NetwardenProtocols
import NetwardenTestSupport
import Testing

@Suite struct NL80211DecodeTests {
    private func decodeAll<R>(_ bytes: [UInt8], _ decode: (NetlinkMessage) throws(NetlinkError) -> R) throws -> [R] {
        var records: [R] = []
        var collector = NetlinkReplyCollector(sequence: 1, expectation: .dump)
        let status = try bytes.withUnsafeBytes { raw throws(NetlinkError) in
            try collector.feed(raw) { message throws(NetlinkError) in records.append(try decode(message)) }
        }
        #expect(status == .complete)
        return records
    }

    @Test func decodesAStationAndAnAccessPointInterface() throws {
        let interfaces = try decodeAll(NL80211Fixtures.interfaceDump(sequence: 1), NL80211Interface.decode)
        #expect(interfaces.count == 2)
        var wlan0 = NL80211Interface(interfaceIndex: 3)
        wlan0.name = "wlan0"
        wlan0.wiphy = 0
        wlan0.interfaceType = NL80211.InterfaceType.station
        wlan0.mac = NL80211Fixtures.wlan0MAC
        wlan0.ssid = Array("SchoolNet".utf8)
        wlan0.frequencyMHz = 5180
        wlan0.channelWidthMHz = 80
        wlan0.centerFrequency1MHz = 5210
        wlan0.txPowerMilliBelMilliwatt = 2000
        #expect(interfaces[0] == wlan0)
        #expect(interfaces[1].name == "wlan1" && interfaces[1].interfaceIndex == 4)
        #expect(interfaces[1].interfaceType == NL80211.InterfaceType.accessPoint)
        #expect(interfaces[1].frequencyMHz == 2437 && interfaces[1].channelWidthMHz == 20)
    }

    @Test func decodesThreeClientsWithNestedStationAndRateInfo() throws {
        let stations = try decodeAll(NL80211Fixtures.accessPointStationDump(sequence: 1), NL80211Station.decode)
        #expect(stations.map(\.mac) == NL80211Fixtures.clientMACs)

        let first = stations[0]
        #expect(first.interfaceIndex == 4)
        #expect(first.signalDBm == -48 && first.signalAverageDBm == -50)
        #expect(first.txBitrateBitsPerSecond == 866_700_000)  // BITRATE32 8667 × 100 kbit/s
        #expect(first.rxBitrateBitsPerSecond == 65_000_000)  // legacy u16 650
        #expect(first.rxBytes == 5_000_000_000 && first.txBytes == 6_000_000_000)  // 64-bit counters win
        #expect(first.rxPackets == 10_000 && first.txPackets == 20_000)
        #expect(first.txRetries == 12 && first.txFailed == 1 && first.beaconLoss == 0)
        #expect(first.inactiveMilliseconds == 120 && first.connectedSeconds == 3600)

        #expect(stations[1].signalDBm == -71)
        #expect(stations[1].txBitrateBitsPerSecond == 7_206_000_000)  // beyond what the u16 field can hold
        #expect(stations[1].rxBitrateBitsPerSecond == 120_000_000)
        #expect(stations[1].txRetries == 340 && stations[1].txFailed == 17 && stations[1].beaconLoss == nil)

        #expect(stations[2].signalDBm == -80 && stations[2].inactiveMilliseconds == 45_000)
        #expect(stations[2].txBitrateBitsPerSecond == nil && stations[2].rxBytes == nil)
    }

    @Test func theStationModePeerIsTheAccessPoint() throws {
        let stations = try decodeAll(NL80211Fixtures.uplinkStationDump(sequence: 1), NL80211Station.decode)
        #expect(stations.count == 1)
        #expect(stations[0].mac == NL80211Fixtures.accessPointMAC)
        #expect(stations[0].signalDBm == -55 && stations[0].beaconLoss == 2)
        #expect(stations[0].txBitrateBitsPerSecond == 866_700_000 && stations[0].rxBitrateBitsPerSecond == 780_000_000)
    }

    @Test func aZeroBitrateMeansUnknown() throws {
        var builder = NetlinkMessageBuilder()
        builder.genericMessage(family: 0x1c, command: 19, flags: 2, sequence: 1) { b in
            b.attribute(6, NL80211Fixtures.accessPointMAC)
            b.nested(21) { $0.nested(8) { $0.u16(1, 0) } }
        }
        builder.done(sequence: 1)
        let stations = try decodeAll(builder.bytes, NL80211Station.decode)
        #expect(stations[0].txBitrateBitsPerSecond == nil)
    }

    @Test func missingOrBrokenIdentityAttributesAreErrors() {
        var noIndex = NetlinkMessageBuilder()
        noIndex.genericMessage(family: 0x1c, command: 7, flags: 2, sequence: 1) { $0.string(4, "wlan0") }
        noIndex.done(sequence: 1)
        #expect(throws: NetlinkError.self) { try decodeAll(noIndex.bytes, NL80211Interface.decode) }

        var shortMAC = NetlinkMessageBuilder()
        shortMAC.genericMessage(family: 0x1c, command: 19, flags: 2, sequence: 1) { $0.attribute(6, [1, 2, 3]) }
        shortMAC.done(sequence: 1)
        #expect(throws: NetlinkError.self) { try decodeAll(shortMAC.bytes, NL80211Station.decode) }

        var badNest = NetlinkMessageBuilder()
        badNest.genericMessage(family: 0x1c, command: 19, flags: 2, sequence: 1) { b in
            b.attribute(6, NL80211Fixtures.accessPointMAC)
            b.nested(21) { $0.rawAttribute(length: 3, type: 7) }
        }
        badNest.done(sequence: 1)
        #expect(throws: NetlinkError.self) { try decodeAll(badNest.bytes, NL80211Station.decode) }

        var noGenericHeader = NetlinkMessageBuilder()
        noGenericHeader.message(type: 0x1c, flags: 2, sequence: 1) { $0.raw([19, 1]) }
        noGenericHeader.done(sequence: 1)
        #expect(throws: NetlinkError.self) { try decodeAll(noGenericHeader.bytes, NL80211Station.decode) }
    }

    @Test func randomCorruptionNeverTraps() {
        let originals = [
            NL80211Fixtures.interfaceDump(sequence: 1), NL80211Fixtures.accessPointStationDump(sequence: 1),
        ]
        var generator = SeededGenerator(seed: 80211)
        for _ in 0..<3000 {
            var bytes = originals[Int(generator.next() % 2)]
            for _ in 0...(generator.next() % 4) {
                bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
            }
            bytes.withUnsafeBytes { raw in
                var collector = NetlinkReplyCollector(sequence: 1, expectation: .dump)
                _ = try? collector.feed(raw) { message throws(NetlinkError) in
                    _ = try? NL80211Interface.decode(message)
                    _ = try? NL80211Station.decode(message)
                }
            }
        }
    }
}
