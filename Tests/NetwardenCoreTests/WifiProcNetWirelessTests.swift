import NetwardenCore
import Testing

@Suite struct WifiProcNetWirelessTests {
    static let header = """
        Inter-| sta-|   Quality        |   Discarded packets               | Missed | WE
         face | tus | link level noise |  nwid  crypt   frag  retry   misc | beacon | 22

        """

    @Test func parsesAModernKernelsTable() {
        let text =
            Self.header + """
                 wlan0: 0000   70.  -40.  -256        0      0      0     12      3        7
                 wlan1: 0000   45   -67.  -95.        1      2      3      4      5        0

                """
        let result = ProcNetWireless.parse(text)
        #expect(result.malformedLines == 0)
        #expect(
            result.entries == [
                ProcNetWirelessEntry(
                    interface: "wlan0",
                    linkQuality: 70,
                    signalDBm: -40,
                    noiseDBm: nil,
                    discardedRetry: 12,
                    discardedMisc: 3,
                    missedBeacons: 7
                ),
                ProcNetWirelessEntry(
                    interface: "wlan1",
                    linkQuality: 45,
                    signalDBm: -67,
                    noiseDBm: -95,
                    discardedNwid: 1,
                    discardedCrypt: 2,
                    discardedFragment: 3,
                    discardedRetry: 4,
                    discardedMisc: 5
                ),
            ]
        )
    }

    @Test func oldDriversEightBitLevelsBecomeDBm() {
        let result = ProcNetWireless.parse(
            Self.header + "  eth1: 0001   31.  216.  161.       0      0      0      0      0        0\n"
        )
        #expect(result.entries.first?.signalDBm == -40)
        #expect(result.entries.first?.noiseDBm == -95)
        #expect(result.entries.first?.status == 1)
    }

    @Test func garbageLinesAreCountedAndSkipped() {
        let text =
            Self.header + """
                 wlan0: 0000   70.  -40.  -256        0      0      0      0      0        0
                this is not a wireless line
                 wlan9: zzzz   70.  -40.  -256        0      0      0      0      0        0
                 wlan8: 0000   70.  -40.
                : 0000   70.  -40.  -256        0      0      0      0      0        0
                 wlan2: 0000   60.  -52.  -256        0      0      0      0      0       -1
                 wlan3: 0000   60.  -52.  -256        0      0      0      0      0        4
                """
        let result = ProcNetWireless.parse(text)
        #expect(result.entries.map(\.interface) == ["wlan0", "wlan3"])
        #expect(result.malformedLines == 5)
    }

    @Test func anEmptyTableHasNoEntries() {
        #expect(ProcNetWireless.parse(Self.header) == ProcNetWireless.ParseResult(entries: [], malformedLines: 0))
        #expect(ProcNetWireless.parse("").entries.isEmpty)
    }
}
