import CPcap

/// Facts about the libpcap the process loaded at run time (not the headers it was built against).
public enum PcapLibrary {
    /// libpcap's own version line, e.g. "libpcap version 1.10.3 (with TPACKET_V3)".
    public static var versionString: String {
        String(cString: pcap_lib_version())
    }

    /// The library was built with TPACKET_V3, the block-batched mmap ring that lets one core keep
    /// up with 10 Gbit/s (Debian 12's 1.10.3 is). libpcap then uses V3 on every kernel since 3.19
    /// and only falls back to V2 on older ones, so on a supported gateway this means "V3 in use";
    /// the daemon logs it at start.
    public static var usesTPACKETv3: Bool {
        versionString.contains("TPACKET_V3")
    }
}
