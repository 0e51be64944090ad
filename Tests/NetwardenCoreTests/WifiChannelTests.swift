import NetwardenCore
import Testing

@Suite struct WifiChannelTests {
    @Test(arguments: [
        (2412, 1), (2437, 6), (2472, 13), (2484, 14),
        (5180, 36), (5500, 100), (5825, 165), (5885, 177), (4920, 184),
        (5935, 2), (5955, 1), (6115, 33), (7115, 233),
        (58320, 1), (62640, 3),
    ])
    func frequenciesMapToTheirChannel(frequency: Int, channel: Int) {
        #expect(WifiChannel.number(frequencyMHz: frequency) == channel)
    }

    @Test(arguments: [0, 2400, 2413, 2485, 5003, 5940, 7120, 60000])
    func offPlanFrequenciesHaveNoChannel(frequency: Int) {
        #expect(WifiChannel.number(frequencyMHz: frequency) == nil)
    }

    @Test func bandsDisambiguateChannelOne() {
        #expect(WifiChannel.band(frequencyMHz: 2412) == .ghz2_4)
        #expect(WifiChannel.band(frequencyMHz: 5180) == .ghz5)
        #expect(WifiChannel.band(frequencyMHz: 5955) == .ghz6)
        #expect(WifiChannel.band(frequencyMHz: 58320) == .ghz60)
        #expect(WifiChannel.band(frequencyMHz: 900) == nil)
    }

    @Test func interfaceInfoDerivesTheChannelFromTheFrequency() {
        #expect(WifiInterfaceInfo(name: "wlan0", mode: .station, frequencyMHz: 5180).channel == 36)
        #expect(WifiInterfaceInfo(name: "wlan0", mode: .station).channel == nil)
    }
}
