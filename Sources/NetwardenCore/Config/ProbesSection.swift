/// `[probes]`: the active health probes, as `[[probes.icmp]]`, `[[probes.dns]]`,
/// `[[probes.tcp]]` and `[[probes.http]]` blocks, plus defaults for all of them.
///
/// One array per kind (rather than one list with a `kind` key) so each block accepts only the
/// keys its kind understands: `port` in an ICMP block is an "unknown key" error with a
/// suggestion, not a silently ignored setting.
public struct ProbesSection: ConfigSection {
    public static let name = "probes"

    public var defaultInterval: Duration
    public var defaultTimeout: Duration
    /// Every probe, in file order by kind (icmp, dns, tcp, http).
    public var probes: [ProbeSpec]

    public init(
        defaultInterval: Duration = .seconds(30),
        defaultTimeout: Duration = .seconds(5),
        probes: [ProbeSpec] = []
    ) {
        self.defaultInterval = defaultInterval
        self.defaultTimeout = defaultTimeout
        self.probes = probes
    }

    /// Without a `[probes]` section (and in the built-in defaults) netwarden pings the default
    /// gateway: the first hop tells a technician whether a problem is inside the school or beyond.
    public static let defaults = ProbesSection(probes: [
        ProbeSpec(
            name: "default-gateway",
            options: .icmp(ProbeSpec.ICMP(host: ProbeSpec.defaultGatewayTarget)),
            interval: .seconds(30),
            timeout: .seconds(2)
        )
    ])

    /// Labels every sample already carries; a probe's own labels may not reuse them.
    static let reservedLabels: Set<String> = [
        "trust", "site", "gateway", "probe", "kind", "target", "reason", "phase", "stat", "rcode", "version",
        "interface", "role", "__name__",
    ]

    public init(from reader: ConfigTableReader) {
        // A [probes] section replaces the default probe list: what is written is what runs.
        defaultInterval = reader.seconds(
            "interval_seconds",
            range: ProbeLimits.intervalSeconds,
            default: Self.defaults.defaultInterval
        )
        defaultTimeout = reader.seconds(
            "timeout_seconds",
            range: ProbeLimits.timeoutSeconds,
            default: Self.defaults.defaultTimeout
        )
        var probes: [ProbeSpec] = []
        for kind in ProbeSpec.Kind.allCases {
            for block in reader.tables(kind.rawValue) {
                probes.append(Self.read(block, kind: kind, interval: defaultInterval, timeout: defaultTimeout))
                block.finish()
            }
        }
        var seen: Set<String> = []
        for (index, probe) in probes.enumerated() where !probe.name.isEmpty {
            if !seen.insert(probe.name).inserted {
                reader.report(
                    key: probes[index].kind.rawValue,
                    "probe name `\(probe.name)` is used twice; expected unique names"
                )
            }
        }
        self.probes = probes
    }

    private static let nameType = ConfigValueType<String>.string.checked(ConfigLabel.problem(with:))

    private static let hostType = ConfigValueType<String>.string.checked(ProbeLimits.hostProblem)
    private static let urlType = ConfigValueType<String>.string.checked(ProbeLimits.urlProblem)
    private static let addressType = ConfigValueType<String>.string.checked(ProbeLimits.addressProblem)

    private static func read(
        _ block: ConfigTableReader,
        kind: ProbeSpec.Kind,
        interval: Duration,
        timeout: Duration
    ) -> ProbeSpec {
        let name = block.required("name", nameType, placeholder: "", example: "name = \"uplink-\(kind.rawValue)\"")
        let interval = block.seconds("interval_seconds", range: ProbeLimits.intervalSeconds, default: interval)
        let timeout = block.seconds("timeout_seconds", range: ProbeLimits.timeoutSeconds, default: timeout)
        let interface = block.optional("interface", InterfaceName.type)
        let sourceAddress = block.optional("source_address", addressType)
        let ipPreference = block.word("ip", default: IPPreference.any)
        let labels = readLabels(block.table("labels"))
        let options: ProbeSpec.Options
        switch kind {
        case .icmp:
            let icmp = ProbeSpec.ICMP(
                host: block.required("target", hostType, placeholder: "", example: "target = \"8.8.8.8\""),
                count: block.int("count", range: ProbeLimits.count, default: 5),
                spacing: block.seconds(
                    "spacing_seconds",
                    range: ProbeLimits.spacingSeconds,
                    default: .milliseconds(200)
                ),
                payloadSize: block.int("payload_bytes", range: ProbeLimits.payloadBytes, default: 56)
            )
            if ProbeLimits.burstDoesNotFit(count: icmp.count, spacing: icmp.spacing, budget: interval) {
                block.report(
                    key: "count",
                    "a burst of \(icmp.count) pings \(icmp.spacing) apart does not fit in the \(interval) interval; expected fewer pings or a longer interval_seconds"
                )
            }
            options = .icmp(icmp)
        case .tcp:
            options = .tcp(
                ProbeSpec.TCP(
                    host: block.required("target", hostType, placeholder: "", example: "target = \"www.example.org\""),
                    port: port(block, default: ProbeSpec.TCP.defaultPort)
                )
            )
        case .dns:
            options = .dns(
                ProbeSpec.DNS(
                    resolver: block.required(
                        "resolver",
                        addressType,
                        placeholder: "",
                        example: "resolver = \"10.0.0.53\""
                    ),
                    port: port(block, default: ProbeSpec.DNS.defaultPort),
                    query: block.required("query", hostType, placeholder: "", example: "query = \"www.bbc.co.uk\""),
                    type: block.word("query_type", default: DNSQueryTypeName.a)
                )
            )
        case .http:
            options = .http(
                ProbeSpec.HTTP(
                    url: block.required("url", urlType, placeholder: "", example: "url = \"https://www.example.org/\""),
                    expectStatus: block.value("expect_status", .intList(range: 100...599), default: []),
                    bodyMustContain: block.optional("body_contains", .string),
                    caFile: block.optional("ca_file", .string),
                    verifyTLS: block.bool("verify_tls", default: true),
                    followRedirects: block.bool("follow_redirects", default: true)
                )
            )
        }
        return ProbeSpec(
            name: name,
            options: options,
            interval: interval,
            timeout: timeout,
            interface: interface,
            sourceAddress: sourceAddress,
            ipPreference: ipPreference,
            labels: labels
        )
    }

    /// `port`, with the kind's own default (53 for DNS, 443 for TCP).
    private static func port(_ block: ConfigTableReader, default defaultPort: UInt16) -> UInt16 {
        UInt16(block.int("port", range: ProbeLimits.port, default: Int(defaultPort)))
    }

    private static func readLabels(_ table: ConfigTableReader) -> [(String, String)] {
        guard table.isPresent else { return [] }
        var labels: [(String, String)] = []
        for key in table.table.keys {
            if reservedLabels.contains(key) {
                table.report(key: key, "label `\(key)` is set by netwarden itself; choose another name")
                _ = table.optional(key, .string)
                continue
            }
            if !Self.isLabelName(key) {
                table.report(
                    key: key,
                    "`\(key)` is not a valid label name; expected letters, digits and _ (not starting with a digit)"
                )
                _ = table.optional(key, .string)
                continue
            }
            if let value = table.optional(key, .string) { labels.append((key, value)) }
        }
        table.finish()
        return labels
    }

    static func isLabelName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !(first >= "0" && first <= "9") else { return false }
        return name.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "_"
        }
    }
}

extension ConfigValueType where Value == [Int] {
    /// An array of integers, each within `range`.
    static func intList(range: ClosedRange<Int>) -> Self {
        Self { value in
            guard case .array(let items) = value.kind else {
                return .failure(.wrongType(expected: "an array of integers like [200, 301]", found: value))
            }
            var out: [Int] = []
            for item in items {
                switch ConfigValueType<Int>.int(range: range).decode(item) {
                case .success(let number): out.append(number)
                case .failure(let problem): return .failure(problem)
                }
            }
            return .success(out)
        }
    }
}

/// Numeric IP address syntax checks without the C library (core is pure).
public enum IPAddressText {
    public static func isNumeric(_ text: String) -> Bool { isIPv4(text) || isIPv6(text) }

    public static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { part in
                !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber)
                    && Int(part)! <= 255
            }
    }

    public static func isIPv6(_ text: String) -> Bool {
        guard text.contains(":"), text.count <= 45 else { return false }
        let scalars = Array(text.unicodeScalars)
        var doubleColons = 0
        for index in scalars.indices.dropLast() where scalars[index] == ":" && scalars[index + 1] == ":" {
            doubleColons += 1
        }
        guard doubleColons <= 1 else { return false }
        var groups = text.split(separator: ":", omittingEmptySubsequences: true).map(String.init)
        var groupLimit = 8
        if let last = groups.last, last.contains(".") {
            guard isIPv4(last) else { return false }
            groups.removeLast()
            groupLimit = 6
        }
        guard groups.allSatisfy({ $0.count >= 1 && $0.count <= 4 && $0.allSatisfy(\.isHexDigit) }) else { return false }
        return doubleColons == 1 ? groups.count < groupLimit : groups.count == groupLimit
    }
}
