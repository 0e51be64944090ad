import NetwardenCore

/// Wi-Fi snapshots as observations of the Wi-Fi families.
///
/// Station mode (the gateway's uplink is Wi-Fi) reports the associated AP's radio health;
/// AP mode (the gateway serves Wi-Fi) reports how many clients are associated and each one's
/// signal. Values in base units: hertz, bits per second; counters end in `_total`.
public enum WifiObservations {
    public static func observations(for snapshot: WifiSnapshot) -> [Observation] {
        var out: [Observation] = []
        for interface in snapshot.interfaces {
            var list = ObservationList(common: [Label("interface", interface.name)])
            defer { out += list.items }
            func add(_ family: MetricFamily, _ value: Double, _ extra: [Label] = []) {
                list.add(family, value, extra)
            }
            var signalReported = false

            if let info = interface.info {
                // An info metric with value 1 carries the strings; dashboards join on `interface`.
                add(
                    .wifiInfo,
                    1,
                    [
                        Label("ssid", info.ssid ?? ""), Label("bssid", info.bssid ?? ""),
                        Label("mode", info.mode.rawValue),
                        Label("channel", info.channel.map(String.init) ?? ""),
                    ]
                )
                if let frequency = info.frequencyMHz { add(.wifiFrequency, Double(frequency) * 1e6) }
                if let width = info.channelWidthMHz { add(.wifiChannelWidth, Double(width) * 1e6) }

                if let uplink = interface.uplink {
                    if let signal = uplink.bestSignalDBm {
                        add(.wifiSignal, Double(signal))
                        signalReported = true
                    }
                    if let rate = uplink.txBitrateBitsPerSecond {
                        add(.wifiTxBitrate, Double(rate))
                    }
                    if let rate = uplink.rxBitrateBitsPerSecond {
                        add(.wifiRxBitrate, Double(rate))
                    }
                    if let count = uplink.txRetries { add(.wifiTxRetries, Double(count)) }
                    if let count = uplink.txFailed { add(.wifiTxFailed, Double(count)) }
                    if let count = uplink.beaconLoss { add(.wifiBeaconLoss, Double(count)) }
                }

                if info.mode == .accessPoint {
                    add(.wifiStations, Double(interface.stations.count))
                    // Client MACs identify pupils' devices. They leave this function as-is; the
                    // privacy layer pseudonymises the `station` label with the keyed hash (or drops
                    // these series) before anything is stored or sent, per the school's config.
                    for station in interface.stations {
                        if let signal = station.bestSignalDBm {
                            add(.wifiStationSignal, Double(signal), [Label("station", station.mac)])
                        }
                    }
                }
            }

            if let wireless = interface.wireless {
                add(.wifiLinkQuality, wireless.linkQuality)
                // nl80211's per-peer signal is more precise; use /proc's level only without it.
                if !signalReported, let signal = wireless.signalDBm { add(.wifiSignal, Double(signal)) }
                if let noise = wireless.noiseDBm { add(.wifiNoise, Double(noise)) }
                add(.wifiMissedBeacons, Double(wireless.missedBeacons))
                for (reason, count) in [
                    ("nwid", wireless.discardedNwid), ("crypt", wireless.discardedCrypt),
                    ("fragment", wireless.discardedFragment), ("retry", wireless.discardedRetry),
                    ("misc", wireless.discardedMisc),
                ] {
                    add(.wifiDiscardedPackets, Double(count), [Label("reason", reason)])
                }
            }
        }
        return out
    }
}
