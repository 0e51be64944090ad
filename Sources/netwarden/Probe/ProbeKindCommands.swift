import ArgumentParser
import NetwardenCore
import NetwardenDaemon
import NetwardenPlatform

/// `netwarden probe icmp HOST`: a burst of pings with loss, RTT spread and jitter.
struct ProbeICMPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "icmp",
        abstract: "Ping a host in a burst: loss, RTT min/avg/median/max/stddev, jitter.",
        discussion: "The whole burst ends within --timeout, so --count x --interval must fit in it."
    )

    @Argument(help: ArgumentHelp("Host name or address.", valueName: "host")) var host: String
    @Option(
        name: [.short, .long],
        parsing: .unconditional,
        help: "Echo requests to send (\(ProbeLimits.describe(ProbeLimits.count)), as in the config)."
    )
    var count = 10
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Seconds between requests (\(ProbeLimits.describe(ProbeLimits.spacingSeconds))).",
            valueName: "seconds"
        )
    )
    var interval = 0.2
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "ICMP payload bytes (\(ProbeLimits.describe(ProbeLimits.payloadBytes))).",
            valueName: "bytes"
        )
    )
    var size = 56
    @OptionGroup var options: ProbeOptions

    func validate() throws {
        try ProbeArgumentCheck.host(host)
        try ProbeArgumentCheck.int(count, "--count", ProbeLimits.count)
        try ProbeArgumentCheck.seconds(interval, "--interval", ProbeLimits.spacingSeconds)
        try ProbeArgumentCheck.int(size, "--size", ProbeLimits.payloadBytes)
        let spacing = Duration.microseconds(Int64(interval * 1_000_000))
        if ProbeLimits.burstDoesNotFit(count: count, spacing: spacing, budget: options.timeoutDuration) {
            throw ValidationError(
                "a burst of \(count) pings \(ProbeArgument.shown(interval)) s apart does not fit in --timeout \(ProbeArgument.shown(options.timeout)); give fewer pings, a shorter --interval or a longer --timeout"
            )
        }
    }

    func run() async throws {
        let icmp = ProbeSpec.ICMP(
            host: host,
            count: count,
            spacing: .microseconds(Int64(interval * 1_000_000)),
            payloadSize: size,
            burstLimit: options.timeoutDuration
        )
        try options.finish(await ProbeRunner().run(options.spec(name: "icmp", .icmp(icmp))))
    }
}

/// `netwarden probe tcp HOST --port N`: time a TCP handshake.
struct ProbeTCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tcp",
        abstract: "Time a TCP connection; tell refused from timeout."
    )

    @Argument(help: ArgumentHelp("Host name or address.", valueName: "host")) var host: String
    // Unconditional: `--port -1` must reach validate() and get a range error, not "missing value".
    @Option(
        name: [.short, .long],
        parsing: .unconditional,
        help: "TCP port (\(ProbeLimits.describe(ProbeLimits.port)); default \(ProbeSpec.TCP.defaultPort))."
    )
    var port = Int(ProbeSpec.TCP.defaultPort)
    @OptionGroup var options: ProbeOptions

    func validate() throws {
        try ProbeArgumentCheck.host(host)
        try ProbeArgumentCheck.int(port, "--port", ProbeLimits.port)
    }

    func run() async throws {
        let tcp = ProbeSpec.TCP(host: host, port: UInt16(port))
        try options.finish(await ProbeRunner().run(options.spec(name: "tcp", .tcp(tcp))))
    }
}

/// `netwarden probe http URL`: phases, status, TLS and certificate expiry.
struct ProbeHTTPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "Fetch a URL: timing phases, status, redirects, TLS version, certificate expiry."
    )

    @Argument(help: ArgumentHelp("http:// or https:// URL.", valueName: "url")) var url: String
    @Option(help: ArgumentHelp("Fail unless the body contains this text.", valueName: "text")) var expectBody: String?
    @Option(help: ArgumentHelp("Accepted status codes (repeatable); default 200-399.", valueName: "code"))
    var expectStatus: [Int] = []
    @Option(help: ArgumentHelp("Extra CA certificate file (PEM) to trust.", valueName: "file")) var caFile: String?
    @Flag(help: "Do not follow redirects.") var noFollow = false
    @Flag(help: "Do not verify the TLS certificate (diagnosis only).") var insecure = false
    @OptionGroup var options: ProbeOptions

    func validate() throws {
        if let problem = ProbeLimits.urlProblem(url) { throw ValidationError(ProbeArgument.escaped(problem)) }
        for status in expectStatus { try ProbeArgumentCheck.int(status, "--expect-status", 100...599) }
    }

    func run() async throws {
        let http = ProbeSpec.HTTP(
            url: url,
            expectStatus: expectStatus,
            bodyMustContain: expectBody,
            caFile: caFile,
            verifyTLS: !insecure,
            followRedirects: !noFollow
        )
        try options.finish(await ProbeRunner().run(options.spec(name: "http", .http(http))))
    }
}

/// `netwarden probe dns NAME --resolver ADDRESS --port N`.
struct ProbeDNSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dns",
        abstract: "Ask a resolver for a name: rcode, latency, answers (TCP fallback on truncation)."
    )

    @Argument(help: ArgumentHelp("Name to look up.", valueName: "name")) var name: String
    @Option(
        name: [.short, .long],
        help: ArgumentHelp("Resolver address (default: the first in /etc/resolv.conf).", valueName: "address")
    )
    var resolver: String?
    // Like the config's `port`: filters often answer DNS on a proxy port.
    @Option(
        name: [.short, .long],
        parsing: .unconditional,
        help: "Resolver port (\(ProbeLimits.describe(ProbeLimits.port)); default \(ProbeSpec.DNS.defaultPort))."
    )
    var port = Int(ProbeSpec.DNS.defaultPort)
    @Option(
        name: [.customShort("t"), .long],
        help: "Record type (\(DNSQueryTypeName.allCases.map(\.rawValue).joined(separator: ", ")))."
    )
    var type = "A"
    @OptionGroup var options: ProbeOptions

    func validate() throws {
        try ProbeArgumentCheck.host(name)
        try ProbeArgumentCheck.int(port, "--port", ProbeLimits.port)
        if let resolver, let problem = ProbeLimits.addressProblem(resolver) {
            throw ValidationError("--resolver: \(ProbeArgument.escaped(problem))")
        }
        if DNSQueryTypeName(spelling: type) == nil {
            throw ValidationError(
                "--type '\(ProbeArgument.shown(type))' is not a record type; expected one of \(DNSQueryTypeName.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
    }

    func run() async throws {
        // The resolver is chosen here, not in the probe, so the report's target names it.
        guard let address = resolver ?? SystemResolvers.first() else {
            var standardError = StandardError()
            print("netwarden: no --resolver given and no nameserver in /etc/resolv.conf", to: &standardError)
            throw ExitCode(1)
        }
        let dns = ProbeSpec.DNS(
            resolver: address,
            port: UInt16(port),
            query: name,
            type: DNSQueryTypeName(spelling: type) ?? .a
        )
        try options.finish(await ProbeRunner().run(options.spec(name: "dns", .dns(dns))))
    }
}

/// `netwarden probe link [INTERFACE]`: state and counters from the kernel.
struct ProbeLinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "link",
        abstract: "Show link state, speed and counters, and the default routes."
    )

    @Argument(help: ArgumentHelp("Interface (default: every interface).", valueName: "interface")) var interface:
        String?
    @Flag(help: "Print one JSON object instead of a readable report.") var json = false

    func run() throws {
        let reader = LinkReader()
        let names = interface.map { [$0] } ?? reader.interfaceNames()
        var links: [ReportValue] = []
        for name in names {
            guard let snapshot = reader.snapshot(of: name) else {
                if interface != nil { throw ValidationError("no interface named '\(name)'") }
                continue
            }
            links.append(LinkReport.value(snapshot))
        }
        let routes = reader.defaultRoutes().map { route in
            ReportValue.object([
                ReportField("interface", .string(route.interface)),
                ReportField("gateway", route.gateway.map { .string($0) } ?? .string("on-link")),
                ReportField("metric", .integer(route.metric)),
            ])
        }
        let report = ReportValue.object([
            ReportField("links", .array(links)), ReportField("default_routes", .array(routes)),
        ])
        if json {
            print(report.json)
        } else {
            for case .object(let fields) in links {
                for line in ReportValue.object(fields).text() { print(line) }
                print("")
            }
            print(
                "default routes: "
                    + (routes.isEmpty
                        ? "none"
                        : reader.defaultRoutes().map {
                            "\($0.interface) via \($0.gateway ?? "on-link") metric \($0.metric)"
                        }.joined(separator: "; "))
            )
        }
    }
}

enum LinkReport {
    static func value(_ link: LinkSnapshot) -> ReportValue {
        .object([
            ReportField("interface", .string(link.name)),
            ReportField("operstate", .string(link.operState)),
            ReportField("up", .bool(link.isUp)),
            ReportField("carrier", link.carrier.map { .bool($0) } ?? .null),
            ReportField("speed_mbps", link.speedMbps.map { .integer($0) } ?? .null),
            ReportField("duplex", link.duplex.map { .string($0) } ?? .null),
            ReportField("mtu", link.mtu.map { .integer($0) } ?? .null),
            ReportField("wireless", .bool(link.isWireless)),
            ReportField("carrier_changes", link.carrierChanges.map { .integer(Int($0)) } ?? .null),
            ReportField("rx_bytes", .integer(Int(link.counters.rxBytes))),
            ReportField("tx_bytes", .integer(Int(link.counters.txBytes))),
            ReportField("rx_packets", .integer(Int(link.counters.rxPackets))),
            ReportField("tx_packets", .integer(Int(link.counters.txPackets))),
            ReportField("rx_errors", .integer(Int(link.counters.rxErrors))),
            ReportField("tx_errors", .integer(Int(link.counters.txErrors))),
            ReportField("rx_dropped", .integer(Int(link.counters.rxDropped))),
            ReportField("tx_dropped", .integer(Int(link.counters.txDropped))),
        ])
    }
}

/// `netwarden probe wifi [INTERFACE]`: radio and station health from nl80211 (or /proc).
struct ProbeWifiCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wifi",
        abstract: "Show Wi-Fi radio and station health: SSID, channel, signal, bitrates, retries, stations."
    )

    @Argument(help: ArgumentHelp("Wireless interface (default: all).", valueName: "interface")) var interface: String?
    @Flag(help: "Print one JSON object instead of a readable report.") var json = false

    func run() throws {
        let reading = WifiReader().read()
        let interfaces = reading.snapshot.interfaces.filter { interface == nil || $0.name == interface }
        if let interface, interfaces.isEmpty {
            throw ValidationError(
                "no wireless interface named '\(interface)' (source: \(reading.snapshot.source.rawValue))"
            )
        }
        let report = ReportValue.object([
            ReportField("source", .string(reading.snapshot.source.rawValue)),
            ReportField("nl80211_error", reading.nl80211Error.map { .string("\($0)") } ?? .null),
            ReportField("interfaces", .array(interfaces.map(WifiReport.value))),
        ])
        if json {
            print(report.json)
        } else if interfaces.isEmpty {
            print("no wireless interfaces (source: \(reading.snapshot.source.rawValue))")
        } else {
            for value in interfaces.map(WifiReport.value) {
                for line in value.text() { print(line) }
                print("")
            }
        }
    }
}

enum WifiReport {
    static func value(_ interface: WifiInterfaceSnapshot) -> ReportValue {
        func optional(_ value: Int?) -> ReportValue { value.map { .integer($0) } ?? .null }
        func optional(_ value: UInt64?) -> ReportValue { value.map { .integer(Int($0)) } ?? .null }
        var fields = [ReportField("interface", .string(interface.name))]
        if let info = interface.info {
            fields += [
                ReportField("mode", .string(info.mode.rawValue)),
                ReportField("ssid", info.ssid.map { .string($0) } ?? .null),
                ReportField("bssid", info.bssid.map { .string($0) } ?? .null),
                ReportField("frequency_mhz", optional(info.frequencyMHz)),
                ReportField("channel", optional(info.channel)),
            ]
        }
        if let uplink = interface.uplink {
            fields += [
                ReportField("signal_dbm", optional(uplink.bestSignalDBm)),
                ReportField("tx_bitrate_bps", optional(uplink.txBitrateBitsPerSecond)),
                ReportField("rx_bitrate_bps", optional(uplink.rxBitrateBitsPerSecond)),
                ReportField("tx_retries", optional(uplink.txRetries)),
                ReportField("tx_failed", optional(uplink.txFailed)),
                ReportField("beacon_loss", optional(uplink.beaconLoss)),
            ]
        } else if interface.info?.mode == .accessPoint {
            fields.append(ReportField("stations", .integer(interface.stations.count)))
        }
        if let wireless = interface.wireless {
            fields += [
                ReportField("link_quality", .number(wireless.linkQuality)),
                ReportField("signal_dbm", optional(wireless.signalDBm)),
                ReportField("missed_beacons", .integer(Int(wireless.missedBeacons))),
            ]
        }
        return .object(fields)
    }
}
