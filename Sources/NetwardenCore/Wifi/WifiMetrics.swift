/// Turns Wi-Fi snapshots into metric samples.
///
/// Station mode (the gateway's uplink is Wi-Fi) reports the associated AP's radio health;
/// AP mode (the gateway serves Wi-Fi) reports how many clients are associated and each one's
/// signal. Values in base units: hertz, bits per second; counters end in `_total`.
public enum WifiMetrics {
    public static func samples(
        for snapshot: WifiSnapshot,
        identity: [(String, String)],
        timestampMilliseconds: Int64
    ) -> [MetricSample] {
        var out: [MetricSample] = []
        for interface in snapshot.interfaces {
            let labels = identity + [("interface", interface.name)]
            func add(_ name: String, _ value: Double, _ extra: [(String, String)] = []) {
                out.append(
                    MetricSample(
                        name: name,
                        labels: labels + extra,
                        value: value,
                        timestampMilliseconds: timestampMilliseconds
                    )
                )
            }
            var signalReported = false

            if let info = interface.info {
                // An info metric with value 1 carries the strings; dashboards join on `interface`.
                add(
                    "netwarden_wifi_info",
                    1,
                    [
                        ("ssid", info.ssid ?? ""), ("bssid", info.bssid ?? ""), ("mode", info.mode.rawValue),
                        ("channel", info.channel.map(String.init) ?? ""),
                    ]
                )
                if let frequency = info.frequencyMHz { add("netwarden_wifi_frequency_hertz", Double(frequency) * 1e6) }
                if let width = info.channelWidthMHz { add("netwarden_wifi_channel_width_hertz", Double(width) * 1e6) }

                if let uplink = interface.uplink {
                    if let signal = uplink.bestSignalDBm {
                        add("netwarden_wifi_signal_dbm", Double(signal))
                        signalReported = true
                    }
                    if let rate = uplink.txBitrateBitsPerSecond {
                        add("netwarden_wifi_tx_bitrate_bits_per_second", Double(rate))
                    }
                    if let rate = uplink.rxBitrateBitsPerSecond {
                        add("netwarden_wifi_rx_bitrate_bits_per_second", Double(rate))
                    }
                    if let count = uplink.txRetries { add("netwarden_wifi_tx_retries_total", Double(count)) }
                    if let count = uplink.txFailed { add("netwarden_wifi_tx_failed_total", Double(count)) }
                    if let count = uplink.beaconLoss { add("netwarden_wifi_beacon_loss_total", Double(count)) }
                }

                if info.mode == .accessPoint {
                    add("netwarden_wifi_stations", Double(interface.stations.count))
                    // Client MACs identify pupils' devices. They leave this function as-is; the
                    // privacy layer pseudonymises the `station` label with the keyed hash (or drops
                    // these series) before anything is stored or sent, per the school's config.
                    for station in interface.stations {
                        if let signal = station.bestSignalDBm {
                            add("netwarden_wifi_station_signal_dbm", Double(signal), [("station", station.mac)])
                        }
                    }
                }
            }

            if let wireless = interface.wireless {
                add("netwarden_wifi_link_quality", wireless.linkQuality)
                // nl80211's per-peer signal is more precise; use /proc's level only without it.
                if !signalReported, let signal = wireless.signalDBm { add("netwarden_wifi_signal_dbm", Double(signal)) }
                if let noise = wireless.noiseDBm { add("netwarden_wifi_noise_dbm", Double(noise)) }
                add("netwarden_wifi_missed_beacons_total", Double(wireless.missedBeacons))
                for (reason, count) in [
                    ("nwid", wireless.discardedNwid), ("crypt", wireless.discardedCrypt),
                    ("fragment", wireless.discardedFragment), ("retry", wireless.discardedRetry),
                    ("misc", wireless.discardedMisc),
                ] {
                    add("netwarden_wifi_discarded_packets_total", Double(count), [("reason", reason)])
                }
            }
        }
        return out
    }
}
