/// `[filter_tests]`: active filter testing. From every vantage (uplink, VLAN or policy group),
/// fetch canaries that must be blocked and sites that must be allowed, check safe search and
/// bypass exposure, and judge each against a control the way OONI's web connectivity test does.
///
/// Canary catalogues and block-page fingerprint files are only named here; the daemon reads them
/// (core does no I/O).
public struct FilterTestsSection: ConfigSection {
    public static let name = "filter_tests"

    /// Whether a canary is a must-block or a must-allow target.
    public enum Expectation: String, Sendable, CaseIterable {
        case blocked, allowed
    }

    /// One `[[filter_tests.vantage]]`: where checks leave from.
    public struct Vantage: Sendable, Equatable {
        public var name: String
        /// Bound with SO_BINDTODEVICE, so the check uses this uplink or VLAN whatever the routes say.
        public var interface: String?
        /// Source address, so a policy group keyed on address (staff, students, guest) is tested as such.
        public var sourceAddress: String?

        public init(name: String, interface: String? = nil, sourceAddress: String? = nil) {
            self.name = name
            self.interface = interface
            self.sourceAddress = sourceAddress
        }

        /// The vantage used when the file names none: the default route.
        public static let defaultRoute = Vantage(name: "default")
    }

    /// One `[[filter_tests.canary]]`.
    public struct Canary: Sendable, Equatable {
        public var name: String
        public var category: String
        public var url: String
        public var expect: Expectation
        /// Text the real page contains; how "allowed" is recognised without guessing.
        public var marker: String?

        public init(name: String, category: String, url: String, expect: Expectation, marker: String? = nil) {
            self.name = name
            self.category = category
            self.url = url
            self.expect = expect
            self.marker = marker
        }
    }

    /// One `[[filter_tests.safe_search]]`: a public search name and the enforced name the school's
    /// resolver must answer with instead (by CNAME or by the same addresses).
    public struct SafeSearch: Sendable, Equatable {
        public var name: String
        public var host: String
        public var enforced: [String]

        public init(name: String, host: String, enforced: [String]) {
            self.name = name
            self.host = host
            self.enforced = enforced
        }

        /// Documented enforcement names (Google, YouTube, Bing, DuckDuckGo support pages); their
        /// addresses are resolved at run time, never written down here.
        public static let shipped: [SafeSearch] = [
            SafeSearch(name: "google", host: "www.google.com", enforced: ["forcesafesearch.google.com"]),
            SafeSearch(name: "google-uk", host: "www.google.co.uk", enforced: ["forcesafesearch.google.com"]),
            SafeSearch(
                name: "youtube",
                host: "www.youtube.com",
                enforced: ["restrict.youtube.com", "restrictmoderate.youtube.com"]
            ),
            SafeSearch(
                name: "youtube-m",
                host: "m.youtube.com",
                enforced: ["restrict.youtube.com", "restrictmoderate.youtube.com"]
            ),
            SafeSearch(name: "bing", host: "www.bing.com", enforced: ["strict.bing.com"]),
            SafeSearch(name: "duckduckgo", host: "duckduckgo.com", enforced: ["safe.duckduckgo.com"]),
        ]
    }

    /// One `[[filter_tests.bypass]]`: a way round the filter that must not be reachable.
    public struct Bypass: Sendable, Equatable {
        /// How reachability is tested: a TCP handshake, a DNS question over UDP, a QUIC packet
        /// that any QUIC server answers with Version Negotiation, an OpenVPN hard reset or an IKEv2
        /// IKE_SA_INIT over UDP. (WireGuard answers nothing it cannot authenticate, so a WireGuard
        /// server is invisible to any probe; block UDP 51820 by policy.)
        public enum Probe: String, Sendable, CaseIterable {
            case tcp, dns, quic, openvpn, ike
        }

        public var name: String
        public var address: String
        public var port: Int
        public var probe: Probe

        public init(name: String, address: String, port: Int, probe: Probe) {
            self.name = name
            self.address = address
            self.port = port
            self.probe = probe
        }
    }

    public var enabled: Bool
    public var interval: Duration
    /// The school's resolver; nil means the system resolver (/etc/resolv.conf).
    public var resolver: String?
    public var controlURLs: [String]
    public var timeout: Duration
    /// Extra trust anchor (PEM) for HTTPS checks, e.g. the filter's CA where devices trust it.
    public var caFile: String?
    /// The filter's own CA (PEM), which school devices trust: HTTPS signed by it is interception
    /// the school chose; anything else untrusted is someone else in the middle.
    public var filterCAFile: String?
    /// Whether the filter is meant to intercept HTTPS (the interception check passes only then).
    public var expectInterception: Bool
    /// Canary catalogue files (`category expect url [marker]` lines) added to the inline canaries.
    public var catalogues: [String]
    /// How many catalogue targets per category each run takes, rotating through the rest.
    public var canariesPerCategory: Int
    /// Block-page fingerprint files.
    public var blockPages: [String]
    /// Addresses the filter answers with for blocked names (its block page), beyond the fingerprints.
    public var blockPageAddresses: [String]
    public var vantages: [Vantage]
    public var canaries: [Canary]
    public var safeSearch: [SafeSearch]
    public var bypass: [Bypass]
    /// Hosts whose HTTPS is checked for interception (the issuer is reported); default: the
    /// control URLs' hosts and the canaries'.
    public var interceptionURLs: [String]

    public init(
        enabled: Bool = false,
        interval: Duration = .seconds(3600),
        resolver: String? = nil,
        controlURLs: [String] = ["https://www.gov.uk/"],
        timeout: Duration = .seconds(10),
        caFile: String? = nil,
        filterCAFile: String? = nil,
        expectInterception: Bool = false,
        catalogues: [String] = [ShippedFiles.filterTestDirectory + "canaries.txt"],
        canariesPerCategory: Int = 2,
        blockPages: [String] = [ShippedFiles.filterTestDirectory + "blockpages.txt"],
        blockPageAddresses: [String] = [],
        vantages: [Vantage] = [.defaultRoute],
        canaries: [Canary] = [],
        safeSearch: [SafeSearch] = SafeSearch.shipped,
        bypass: [Bypass] = Self.shippedBypass,
        interceptionURLs: [String] = []
    ) {
        self.enabled = enabled
        self.interval = interval
        self.resolver = resolver
        self.controlURLs = controlURLs
        self.timeout = timeout
        self.caFile = caFile
        self.filterCAFile = filterCAFile
        self.expectInterception = expectInterception
        self.catalogues = catalogues
        self.canariesPerCategory = canariesPerCategory
        self.blockPages = blockPages
        self.blockPageAddresses = blockPageAddresses
        self.vantages = vantages
        self.canaries = canaries
        self.safeSearch = safeSearch
        self.bypass = bypass
        self.interceptionURLs = interceptionURLs
    }

    public static let defaults = FilterTestsSection()

    /// Well-known public resolvers (plain DNS, DoT, DoQ, DoH and QUIC). Bypass targets are outside
    /// services by nature, so their addresses are the documented anycast ones. No VPN target is
    /// shipped: a probe to an address where no VPN server listens is silent whatever the filter
    /// does, which would read as "blocked". A trust adds a VPN server it controls outside the
    /// school (`probe = "openvpn"`, `"ike"` or `"tcp"`).
    public static let shippedBypass: [Bypass] = [
        Bypass(name: "cloudflare-dns-udp", address: "1.1.1.1", port: 53, probe: .dns),
        Bypass(name: "google-dns-udp", address: "8.8.8.8", port: 53, probe: .dns),
        Bypass(name: "quad9-dns-udp", address: "9.9.9.9", port: 53, probe: .dns),
        Bypass(name: "cloudflare-dns-tcp", address: "1.1.1.1", port: 53, probe: .tcp),
        Bypass(name: "cloudflare-dot", address: "1.1.1.1", port: 853, probe: .tcp),
        Bypass(name: "google-dot", address: "8.8.8.8", port: 853, probe: .tcp),
        Bypass(name: "adguard-doq", address: "94.140.14.14", port: 853, probe: .quic),
        Bypass(name: "cloudflare-doh", address: "1.1.1.1", port: 443, probe: .tcp),
        Bypass(name: "google-doh", address: "8.8.8.8", port: 443, probe: .tcp),
        Bypass(name: "cloudflare-quic", address: "1.1.1.1", port: 443, probe: .quic),
    ]

    private static let address = ConfigValueType<String>.string.checked { text in
        IPAddressText.isNumeric(text) ? nil : "`\(text)` is not a numeric IPv4 or IPv6 address"
    }

    private static let url = ConfigValueType<String>.string.checked { text in
        guard text.hasPrefix("http://") || text.hasPrefix("https://") else {
            return "`\(text)` is not an http:// or https:// URL"
        }
        let rest = text.drop(while: { $0 != "/" }).dropFirst(2)
        let host = rest.prefix(while: { $0 != "/" && $0 != ":" && $0 != "?" && $0 != "#" })
        return host.isEmpty ? "`\(text)` has no host; expected e.g. https://www.example.org/" : nil
    }

    private static let label = ConfigValueType<String>.string.checked(ConfigLabel.problem(with:))

    private static let hostName = ConfigValueType<String>.string.checked { host in
        let ok =
            !host.isEmpty && host.utf8.count <= 253 && host.contains(".")
            && host.utf8.allSatisfy {
                ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z"))
                    || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
                    || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-")
                    || $0 == UInt8(ascii: ".")
            }
        return ok ? nil : "`\(host)` is not a host name; expected e.g. www.google.com"
    }

    public init(from reader: ConfigTableReader) {
        let defaults = Self.defaults
        let paths = ConfigValueType<[String]>.strings(DaemonSection.absolutePath)
        enabled = reader.bool("enabled", default: defaults.enabled)
        interval = reader.seconds("interval_seconds", range: 60...604_800, default: defaults.interval)
        resolver = reader.optional("resolver", Self.address)
        controlURLs = reader.value(
            "control_urls",
            ConfigValueType<[String]>.strings(Self.url).checked {
                $0.isEmpty ? "no control URL; expected at least one site that must always work" : nil
            },
            default: defaults.controlURLs
        )
        timeout = reader.seconds("timeout_seconds", range: 1...60, default: defaults.timeout)
        caFile = reader.optional("ca_file", DaemonSection.absolutePath)
        filterCAFile = reader.optional("filter_ca_file", DaemonSection.absolutePath)
        expectInterception = reader.bool("expect_interception", default: defaults.expectInterception)
        catalogues = reader.value("catalogues", paths, default: defaults.catalogues)
        canariesPerCategory = reader.int("canaries_per_category", range: 1...50, default: defaults.canariesPerCategory)
        blockPages = reader.value("block_pages", paths, default: defaults.blockPages)
        blockPageAddresses = reader.value("block_page_addresses", .strings(Self.address), default: [])
        interceptionURLs = reader.value("interception_urls", .strings(Self.url), default: [])

        var vantages: [Vantage] = []
        for block in reader.tables("vantage") {
            let name = block.required("name", Self.label, placeholder: "", example: "\"students-vlan\"")
            let interface = block.optional(
                "interface",
                ConfigValueType<String>.string.checked { InterfaceName.problem(with: $0) }
            )
            let source = block.optional("source_address", Self.address)
            if interface == nil, source == nil, block.table["interface"] == nil, block.table["source_address"] == nil {
                block.report(
                    key: "name",
                    "vantage `\(name)` names neither interface nor source_address; expected at least one"
                )
            }
            if !name.isEmpty, vantages.contains(where: { $0.name == name }) {
                block.report(key: "name", "vantage `\(name)` is defined twice; expected unique names")
            }
            vantages.append(Vantage(name: name, interface: interface, sourceAddress: source))
            block.finish()
        }
        self.vantages = vantages.isEmpty ? [.defaultRoute] : vantages

        var canaries: [Canary] = []
        for block in reader.tables("canary") {
            let name = block.required("name", Self.label, placeholder: "", example: "\"gambling-1\"")
            let category = block.required("category", Self.label, placeholder: "", example: "\"gambling\"")
            let url = block.required("url", Self.url, placeholder: "", example: "\"https://www.example-casino.test/\"")
            let expect = block.required(
                "expect",
                .oneOf(Expectation.self),
                placeholder: .blocked,
                example: "\"blocked\""
            )
            let marker = block.optional(
                "marker",
                ConfigValueType<String>.string.checked {
                    $0.isEmpty ? "empty marker; expected text the page contains" : nil
                }
            )
            if !name.isEmpty, canaries.contains(where: { $0.name == name }) {
                block.report(key: "name", "canary `\(name)` is defined twice; expected unique names")
            }
            canaries.append(Canary(name: name, category: category, url: url, expect: expect, marker: marker))
            block.finish()
        }
        self.canaries = canaries

        // Inline safe-search entries replace the shipped list, so a lab or a trust with its own
        // enforcement names is not also tested against the public ones; `safe_search = false`
        // turns the check off.
        let safeSearchOn = reader.bool("safe_search", default: true)
        var safeSearch: [SafeSearch] = []
        for block in reader.tables("safe_search_target") {
            let name = block.required("name", Self.label, placeholder: "", example: "\"google\"")
            let host = block.required("host", Self.hostName, placeholder: "", example: "\"www.google.com\"")
            let enforced = block.required(
                "enforced",
                ConfigValueType<[String]>.strings(Self.hostName).checked {
                    $0.isEmpty ? "empty; expected the enforced name(s)" : nil
                },
                placeholder: [],
                example: "[\"forcesafesearch.google.com\"]"
            )
            safeSearch.append(SafeSearch(name: name, host: host, enforced: enforced))
            block.finish()
        }
        self.safeSearch = !safeSearchOn ? [] : (safeSearch.isEmpty ? SafeSearch.shipped : safeSearch)

        let bypassOn = reader.bool("bypass", default: true)
        var bypass: [Bypass] = []
        for block in reader.tables("bypass_target") {
            let name = block.required("name", Self.label, placeholder: "", example: "\"cloudflare-dot\"")
            let address = block.required("address", Self.address, placeholder: "", example: "\"1.1.1.1\"")
            let port = block.required("port", .int(range: 1...65_535), placeholder: 0, example: "853")
            let probe = block.required("probe", .oneOf(Bypass.Probe.self), placeholder: .tcp, example: "\"tcp\"")
            bypass.append(Bypass(name: name, address: address, port: port, probe: probe))
            block.finish()
        }
        self.bypass = !bypassOn ? [] : (bypass.isEmpty ? Self.shippedBypass : bypass)
    }
}
