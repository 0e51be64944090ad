/// Recorded-style nl80211 dumps for decoder and client-mapping tests, built to linux/nl80211.h.
///
/// The numbers below are the header's: commands NEW_INTERFACE 7 / NEW_STATION 19; attributes
/// WIPHY 1, IFINDEX 3, IFNAME 4, IFTYPE 5, MAC 6, STA_INFO 21, WIPHY_FREQ 38, GENERATION 46,
/// SSID 52, TX_POWER_LEVEL 98, WDEV 153, CHANNEL_WIDTH 159, CENTER_FREQ1 160; sta_info
/// INACTIVE_TIME 1, RX/TX_BYTES 2/3, SIGNAL 7, TX_BITRATE 8, RX/TX_PACKETS 9/10, TX_RETRIES 11,
/// TX_FAILED 12, SIGNAL_AVG 13, RX_BITRATE 14, CONNECTED_TIME 16, BEACON_LOSS 18,
/// RX/TX_BYTES64 23/24; rate_info BITRATE 1, MCS 2, BITRATE32 5.
public enum NL80211Fixtures {
    /// The family id the fixtures use (the kernel assigns one at boot; 0x1c is typical).
    public static let familyID: UInt16 = 0x1c
    public static let multi: UInt16 = 0x02

    public static let wlan0MAC: [UInt8] = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01]
    public static let wlan1MAC: [UInt8] = [0x02, 0x00, 0x00, 0x00, 0x00, 0x02]
    public static let accessPointMAC: [UInt8] = [0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee]
    public static let clientMACs: [[UInt8]] = [
        [0x02, 0x11, 0x22, 0x33, 0x44, 0x01], [0x02, 0x11, 0x22, 0x33, 0x44, 0x02],
        [0x02, 0x11, 0x22, 0x33, 0x44, 0x03],
    ]

    /// A GET_INTERFACE dump: station-mode wlan0 on "SchoolNet" at 5180 MHz (channel 36, 80 MHz)
    /// and AP-mode wlan1 serving "SchoolGuest" at 2437 MHz (channel 6), then NLMSG_DONE.
    public static func interfaceDump(sequence: UInt32) -> [UInt8] {
        var builder = NetlinkMessageBuilder()
        builder.genericMessage(family: familyID, command: 7, flags: multi, sequence: sequence) { b in
            b.u32(3, 3)  // IFINDEX
            b.string(4, "wlan0")
            b.u32(1, 0)  // WIPHY
            b.u32(5, 2)  // IFTYPE station
            b.u64(153, 1)  // WDEV: not decoded, must be skipped
            b.attribute(6, wlan0MAC)
            b.u32(46, 7)  // GENERATION
            b.attribute(52, Array("SchoolNet".utf8))  // SSID: raw bytes, no NUL
            b.u32(38, 5180)
            b.u32(159, 3)  // CHANNEL_WIDTH 80 MHz
            b.u32(160, 5210)
            b.u32(98, 2000)  // 20 dBm in mBm
        }
        builder.genericMessage(family: familyID, command: 7, flags: multi, sequence: sequence) { b in
            b.u32(3, 4)
            b.string(4, "wlan1")
            b.u32(1, 1)
            b.u32(5, 3)  // IFTYPE AP
            b.attribute(6, wlan1MAC)
            b.attribute(52, Array("SchoolGuest".utf8))
            b.u32(38, 2437)
            b.u32(159, 1)  // 20 MHz
        }
        builder.done(sequence: sequence)
        return builder.bytes
    }

    /// A GET_STATION dump for wlan1 (AP mode) with three clients, then NLMSG_DONE.
    ///
    /// Client 1: BITRATE32 and BITRATE both present (BITRATE32 wins), 64- and 32-bit byte
    /// counters. Client 2: a rate above the u16 field's 6553.5 Mbit/s, so only BITRATE32; RX
    /// rate with only the legacy u16. Client 3: STA_INFO flagged NLA_F_NESTED, as newer kernels
    /// send it, with no rates at all.
    public static func accessPointStationDump(sequence: UInt32) -> [UInt8] {
        var builder = NetlinkMessageBuilder()
        builder.genericMessage(family: familyID, command: 19, flags: multi, sequence: sequence) { b in
            b.u32(3, 4)
            b.attribute(6, clientMACs[0])
            b.nested(21) { info in
                info.u32(1, 120)  // INACTIVE_TIME ms
                info.u32(2, 1_000)  // RX_BYTES (32-bit; the 64-bit one must win)
                info.u32(3, 2_000)
                info.u64(23, 5_000_000_000)
                info.u64(24, 6_000_000_000)
                info.s8(7, -48)
                info.s8(13, -50)
                info.nested(8) { rate in
                    rate.u16(1, 8667)
                    rate.u8(2, 9)  // MCS: not decoded
                    rate.u32(5, 8667)
                }
                info.nested(14) { rate in rate.u16(1, 650) }
                info.u32(9, 10_000)
                info.u32(10, 20_000)
                info.u32(11, 12)
                info.u32(12, 1)
                info.u32(16, 3600)
                info.u32(18, 0)
            }
        }
        builder.genericMessage(family: familyID, command: 19, flags: multi, sequence: sequence) { b in
            b.u32(3, 4)
            b.attribute(6, clientMACs[1])
            b.nested(21) { info in
                info.s8(7, -71)
                info.nested(8) { rate in rate.u32(5, 72_060) }
                info.nested(14) { rate in rate.u16(1, 1_200) }
                info.u32(11, 340)
                info.u32(12, 17)
            }
        }
        builder.genericMessage(family: familyID, command: 19, flags: multi, sequence: sequence) { b in
            b.u32(3, 4)
            b.attribute(6, clientMACs[2])
            b.nested(21, flagged: true) { info in
                info.s8(7, -80)
                info.u32(1, 45_000)
            }
        }
        builder.done(sequence: sequence)
        return builder.bytes
    }

    /// A GET_STATION dump for wlan0 (station mode): the one peer is the AP, so its MAC is the BSSID.
    public static func uplinkStationDump(sequence: UInt32) -> [UInt8] {
        var builder = NetlinkMessageBuilder()
        builder.genericMessage(family: familyID, command: 19, flags: multi, sequence: sequence) { b in
            b.u32(3, 3)
            b.attribute(6, accessPointMAC)
            b.nested(21) { info in
                info.s8(7, -55)
                info.s8(13, -56)
                info.nested(8) { rate in rate.u32(5, 8667) }
                info.nested(14) { rate in rate.u32(5, 7800) }
                info.u32(11, 1234)
                info.u32(12, 5)
                info.u32(18, 2)
                info.u32(1, 30)
            }
        }
        builder.done(sequence: sequence)
        return builder.bytes
    }
}
