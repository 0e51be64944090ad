// Wi-Fi radio and station health, in base units (hertz, bits per second, dBm as reported).
extension MetricFamily {
    public static let wifiInfo = MetricFamily(
        "netwarden_wifi_info",
        .info,
        help: "The Wi-Fi interface's SSID, BSSID, mode and channel."
    )
    public static let wifiFrequency = MetricFamily(
        "netwarden_wifi_frequency_hertz",
        .gauge,
        unit: "hertz",
        help: "Operating frequency."
    )
    public static let wifiChannelWidth = MetricFamily(
        "netwarden_wifi_channel_width_hertz",
        .gauge,
        unit: "hertz",
        help: "Channel width."
    )
    public static let wifiSignal = MetricFamily(
        "netwarden_wifi_signal_dbm",
        .gauge,
        help: "Signal strength of the associated access point, dBm."
    )
    public static let wifiTxBitrate = MetricFamily(
        "netwarden_wifi_tx_bitrate_bits_per_second",
        .gauge,
        help: "Transmit bitrate to the access point."
    )
    public static let wifiRxBitrate = MetricFamily(
        "netwarden_wifi_rx_bitrate_bits_per_second",
        .gauge,
        help: "Receive bitrate from the access point."
    )
    public static let wifiTxRetries = MetricFamily(
        "netwarden_wifi_tx_retries_total",
        .counter,
        help: "Transmit retries."
    )
    public static let wifiTxFailed = MetricFamily(
        "netwarden_wifi_tx_failed_total",
        .counter,
        help: "Transmit failures."
    )
    public static let wifiBeaconLoss = MetricFamily(
        "netwarden_wifi_beacon_loss_total",
        .counter,
        help: "Beacons lost."
    )
    public static let wifiStations = MetricFamily(
        "netwarden_wifi_stations",
        .gauge,
        help: "Clients associated with this access point."
    )
    public static let wifiStationSignal = MetricFamily(
        "netwarden_wifi_station_signal_dbm",
        .gauge,
        help: "Signal strength of each associated client, dBm."
    )
    public static let wifiLinkQuality = MetricFamily(
        "netwarden_wifi_link_quality",
        .gauge,
        help: "Link quality from /proc/net/wireless."
    )
    public static let wifiNoise = MetricFamily(
        "netwarden_wifi_noise_dbm",
        .gauge,
        help: "Noise level, dBm."
    )
    public static let wifiMissedBeacons = MetricFamily(
        "netwarden_wifi_missed_beacons_total",
        .counter,
        help: "Missed beacons from /proc/net/wireless."
    )
    public static let wifiDiscardedPackets = MetricFamily(
        "netwarden_wifi_discarded_packets_total",
        .counter,
        help: "Packets discarded by the driver, by reason."
    )

    static let wifiFamilies: [MetricFamily] = [
        wifiInfo, wifiFrequency, wifiChannelWidth, wifiSignal, wifiTxBitrate, wifiRxBitrate, wifiTxRetries,
        wifiTxFailed, wifiBeaconLoss, wifiStations, wifiStationSignal, wifiLinkQuality, wifiNoise, wifiMissedBeacons,
        wifiDiscardedPackets,
    ]
}
