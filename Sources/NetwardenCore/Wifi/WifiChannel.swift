/// Channel numbers and bands from centre frequencies, by the IEEE 802.11 channel plans.
///
/// nl80211 reports frequencies, technicians talk in channels ("we're on 36"), and a channel
/// number alone is ambiguous across bands (channel 1 exists at 2.4, 6 and 60 GHz), so both are
/// derived here from the frequency, which is not.
public enum WifiChannel {
    /// The band a frequency belongs to.
    public enum Band: String, Sendable {
        case ghz2_4 = "2.4GHz"
        case ghz5 = "5GHz"
        case ghz6 = "6GHz"
        case ghz60 = "60GHz"
    }

    /// The channel number for a centre frequency in MHz, or `nil` off every channel plan.
    public static func number(frequencyMHz f: Int) -> Int? {
        switch f {
        case 2484:
            return 14  // Japan's odd one out, 12 MHz above channel 13
        case 2412...2472 where (f - 2407) % 5 == 0:
            return (f - 2407) / 5
        case 4910...4980 where f % 5 == 0:
            return (f - 4000) / 5  // Japanese 4.9 GHz channels 182-196
        case 5005..<5925 where f % 5 == 0:
            return (f - 5000) / 5
        case 5935:
            return 2  // 6 GHz channel 2 sits below the regular 6 GHz grid
        case 5955...7115 where (f - 5950) % 5 == 0:
            return (f - 5950) / 5
        case 58320...70200 where (f - 58320) % 2160 == 0:
            return (f - 56160) / 2160
        default:
            return nil
        }
    }

    /// The band for a centre frequency in MHz, or `nil` outside the Wi-Fi bands.
    public static func band(frequencyMHz f: Int) -> Band? {
        switch f {
        case 2400...2500: .ghz2_4
        case 4900..<5925: .ghz5
        case 5925...7125: .ghz6
        case 57000...71000: .ghz60
        default: nil
        }
    }
}
