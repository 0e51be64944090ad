import NetwardenCore
import NetwardenTelemetry
import Testing

@Suite struct WifiObservationsTests {
    let identity = AgentIdentity(trust: "t1", site: "school-a", gateway: "gw1")

    private func value(
        _ samples: [Sample],
        _ name: String,
        _ extra: [(String, String)] = [],
        interface: String
    )
        -> Double?
    {
        let labels = identity.labels + ([("interface", interface)] + extra).map { Label($0.0, $0.1) }
        return samples.first { $0.name == name && $0.labels == labels }?.value
    }

    @Test func stationModeReportsTheUplinksRadioHealth() {
        var uplink = WifiStationInfo(mac: "02:aa:bb:cc:dd:ee")
        uplink.signalDBm = -55
        uplink.txBitrateBitsPerSecond = 866_700_000
        uplink.rxBitrateBitsPerSecond = 780_000_000
        uplink.txRetries = 1234
        uplink.txFailed = 5
        uplink.beaconLoss = 2
        let info = WifiInterfaceInfo(
            name: "wlan0",
            mode: .station,
            ssid: "SchoolNet",
            bssid: "02:aa:bb:cc:dd:ee",
            frequencyMHz: 5180,
            channelWidthMHz: 80
        )
        let snapshot = WifiSnapshot(
            source: .nl80211,
            interfaces: [WifiInterfaceSnapshot(name: "wlan0", info: info, stations: [uplink])]
        )
        let samples = samples(snapshot, at: 1_700_000_000_000)

        let infoLabels = [
            ("ssid", "SchoolNet"), ("bssid", "02:aa:bb:cc:dd:ee"), ("mode", "station"), ("channel", "36"),
        ]
        #expect(value(samples, "netwarden_wifi_info", infoLabels, interface: "wlan0") == 1)
        #expect(value(samples, "netwarden_wifi_frequency_hertz", interface: "wlan0") == 5.18e9)
        #expect(value(samples, "netwarden_wifi_channel_width_hertz", interface: "wlan0") == 80e6)
        #expect(value(samples, "netwarden_wifi_signal_dbm", interface: "wlan0") == -55)
        #expect(value(samples, "netwarden_wifi_tx_bitrate_bits_per_second", interface: "wlan0") == 866_700_000)
        #expect(value(samples, "netwarden_wifi_rx_bitrate_bits_per_second", interface: "wlan0") == 780_000_000)
        #expect(value(samples, "netwarden_wifi_tx_retries_total", interface: "wlan0") == 1234)
        #expect(value(samples, "netwarden_wifi_tx_failed_total", interface: "wlan0") == 5)
        #expect(value(samples, "netwarden_wifi_beacon_loss_total", interface: "wlan0") == 2)
        #expect(!samples.contains { $0.name == "netwarden_wifi_stations" })
        #expect(samples.allSatisfy { $0.timestampMilliseconds == 1_700_000_000_000 })
    }

    @Test func accessPointModeCountsClientsAndKeepsEachSignal() {
        var a = WifiStationInfo(mac: "02:11:22:33:44:01")
        a.signalDBm = -48
        var b = WifiStationInfo(mac: "02:11:22:33:44:02")
        b.signalAverageDBm = -71  // only the average: still a signal
        let c = WifiStationInfo(mac: "02:11:22:33:44:03")  // no signal reported
        let info = WifiInterfaceInfo(name: "wlan1", mode: .accessPoint, ssid: "SchoolGuest", frequencyMHz: 2437)
        let snapshot = WifiSnapshot(
            source: .nl80211,
            interfaces: [WifiInterfaceSnapshot(name: "wlan1", info: info, stations: [a, b, c])]
        )
        let samples = samples(snapshot, at: 0)

        #expect(value(samples, "netwarden_wifi_stations", interface: "wlan1") == 3)
        #expect(value(samples, "netwarden_wifi_station_signal_dbm", [("station", a.mac)], interface: "wlan1") == -48)
        #expect(value(samples, "netwarden_wifi_station_signal_dbm", [("station", b.mac)], interface: "wlan1") == -71)
        #expect(samples.filter { $0.name == "netwarden_wifi_station_signal_dbm" }.count == 2)
        let infoLabels = [("ssid", "SchoolGuest"), ("bssid", ""), ("mode", "ap"), ("channel", "6")]
        #expect(value(samples, "netwarden_wifi_info", infoLabels, interface: "wlan1") == 1)
        // An AP's clients are not its uplink: no interface-level signal or rate series.
        #expect(
            !samples.contains { $0.name == "netwarden_wifi_signal_dbm" || $0.name == "netwarden_wifi_tx_retries_total" }
        )
    }

    @Test func procFallbackReportsQualityLevelAndMissedBeacons() {
        let entry = ProcNetWirelessEntry(
            interface: "wlan0",
            linkQuality: 70,
            signalDBm: -40,
            noiseDBm: nil,
            discardedRetry: 12,
            missedBeacons: 7
        )
        let snapshot = WifiSnapshot(
            source: .procNetWireless,
            interfaces: [WifiInterfaceSnapshot(name: "wlan0", wireless: entry)]
        )
        let samples = samples(snapshot, at: 0)
        #expect(value(samples, "netwarden_wifi_link_quality", interface: "wlan0") == 70)
        #expect(value(samples, "netwarden_wifi_signal_dbm", interface: "wlan0") == -40)
        #expect(value(samples, "netwarden_wifi_missed_beacons_total", interface: "wlan0") == 7)
        #expect(
            value(samples, "netwarden_wifi_discarded_packets_total", [("reason", "retry")], interface: "wlan0") == 12
        )
        #expect(!samples.contains { $0.name == "netwarden_wifi_noise_dbm" || $0.name == "netwarden_wifi_info" })
    }

    @Test func nl80211SignalWinsOverProcLevelWhenBothExist() {
        var uplink = WifiStationInfo(mac: "02:aa:bb:cc:dd:ee")
        uplink.signalDBm = -55
        let entry = ProcNetWirelessEntry(interface: "wlan0", linkQuality: 70, signalDBm: -40, noiseDBm: -95)
        let snapshot = WifiSnapshot(
            source: .nl80211,
            interfaces: [
                WifiInterfaceSnapshot(
                    name: "wlan0",
                    info: WifiInterfaceInfo(name: "wlan0", mode: .station),
                    stations: [uplink],
                    wireless: entry
                )
            ]
        )
        let samples = samples(snapshot, at: 0)
        #expect(samples.filter { $0.name == "netwarden_wifi_signal_dbm" }.map(\.value) == [-55])
        #expect(value(samples, "netwarden_wifi_noise_dbm", interface: "wlan0") == -95)
    }

    private func samples(_ snapshot: WifiSnapshot, at time: Int64) -> [Sample] {
        SampleGroup(
            timestampMilliseconds: time,
            identity: identity,
            observations: WifiObservations.observations(for: snapshot)
        ).samples
    }
}
