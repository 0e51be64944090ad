import ArgumentParser
import Glibc
import NetwardenCapture
import NetwardenCore
import NetwardenDaemon
import NetwardenFiltering
import NetwardenInspection
import NetwardenProtocols

/// `netwarden analyze FILE...`: the live capture pipeline over pcap/pcapng files.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Find the names, filter leaks and bypass in capture files (pcap or pcapng).",
        discussion: """
            Runs exactly the pipeline live capture runs. With a configuration (--config), names are \
            matched against its category lists and leaks, blocked attempts and bypass are judged \
            with its [filter] settings; without one, names and bypass by protocol are reported.

            --format json prints one JSON object per line: every observed name \
            ({"ts","proto","name","src","dst","sport","dport",...}) and every filter event \
            ({"kind": "filter_leak" | "bypass_doh" | ...}). Both carry "ts" as seconds since the \
            epoch with nine decimals (1767225600.123456789), the capture's own time. The default \
            prints a summary.

            A file that cannot be read (not a capture, truncated, a directory, a link type \
            netwarden does not decode such as 802.11) is reported on stderr and the others are \
            still analysed; the exit status is then 1.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case summary, json
    }

    @Argument(help: ArgumentHelp("Capture files to read, in order.", valueName: "file")) var files: [String]
    @Option(help: "Output: summary or json (one object per line).") var format: Format = .summary
    @Option(
        name: [.short, .long],
        help: ArgumentHelp("Configuration with [filter] and [capture] settings.", valueName: "file")
    )
    var config: String?

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one capture file") }
    }

    func run() throws {
        var standardError = StandardError()
        var settings = NetwardenConfig.embeddedDefault
        var stateDirectory = "/var/lib/netwarden"
        if let config {
            switch ConfigFile.load(path: config) {
            case .success(let loaded):
                settings = loaded
                stateDirectory = loaded.daemon.stateDirectory
            case .failure(let errors):
                for line in errors.lines { print(line, to: &standardError) }
                throw ExitCode(2)
            }
        } else {
            // No config: no categories, and client addresses pseudonymised with a throwaway key
            // (nothing is stored, so the pseudonyms only need to be consistent within this run).
            settings.filter.dohLists = settings.filter.dohLists.filter { !$0.hasPrefix("/etc/") }
        }
        let judge: FilterJudge
        if config == nil {
            judge = try Self.defaultJudge(site: settings.identity.site, filter: settings.filter)
        } else {
            switch FilterSetup.load(settings.filter, site: settings.identity.site, stateDirectory: stateDirectory) {
            case .success(let setup):
                for warning in setup.warnings { print("warning: \(warning)", to: &standardError) }
                judge = setup.judge
            case .failure(let failure):
                for line in failure.lines { print(line, to: &standardError) }
                throw ExitCode(2)
            }
        }
        let lists = judge.categories
        var pipeline = PassivePipeline(
            engine: InspectionEngine(configuration: PassivePipeline.inspectionConfiguration(settings.capture)),
            judge: judge
        )
        var summary = AnalyzeSummary()
        let json = format == .json
        var lastTime = PacketTime(seconds: 0, nanoseconds: 0)
        var lastExpiry: Int64 = 0
        var output = BufferedOutput()
        for file in files {
            let source: OfflinePacketSource
            do {
                source = try OfflinePacketSource(path: file)
            } catch {
                // One bad file (a 6-byte stub, a directory) must not cost the others' results.
                print("\(error)", to: &standardError)
                summary.unreadableFiles += 1
                continue
            }
            guard source.linkType.isDecodable else {
                print(
                    "\(DisplayText.escaped(file, limit: 4096)): link type \(source.linkType.name) is not supported; "
                        + "netwarden reads Ethernet, Linux cooked (SLL, SLL2) and raw IP captures",
                    to: &standardError
                )
                summary.unreadableFiles += 1
                continue
            }
            let stop = CaptureStopFlag()
            do {
                try source.run(until: stop) { packet in
                    summary.packets += 1
                    lastTime = packet.time
                    pipeline.process(
                        frame: packet.frame,
                        linkType: packet.linkType,
                        time: packet.time,
                        onName: { name in
                            // The per-protocol and distinct-name counts are only in the text
                            // summary; JSON output skips the set insert per name.
                            if json {
                                let categories = PassivePipeline.categories(of: name.name, in: lists)
                                output.record { Self.writeJSON(name, categories: categories, to: &$0) }
                            } else {
                                summary.record(name)
                            }
                        },
                        onEvent: { event in
                            summary.record(event)
                            if json { output.line(event.jsonLine) }
                        }
                    )
                    // Idle expiry on packet time, once per captured second.
                    if packet.time.seconds > lastExpiry {
                        lastExpiry = packet.time.seconds
                        pipeline.expire(now: packet.time) { event in
                            summary.record(event)
                            if json { output.line(event.jsonLine) }
                        }
                    }
                }
            } catch {
                // A CaptureError names its file already.
                print("\(error)", to: &standardError)
                summary.unreadableFiles += 1
            }
        }
        pipeline.finish(now: lastTime) { event in
            summary.record(event)
            if json { output.line(event.jsonLine) }
        }
        output.flush()
        if !json {
            for line in summary.report(statistics: pipeline.engine.statistics, counters: pipeline.judge?.counters) {
                print(line)
            }
        }
        if summary.unreadableFiles > 0 { throw ExitCode(1) }
    }

    /// A judge with no categories: names, bypass by protocol and shipped-list-free DoH checks.
    static func defaultJudge(site: String, filter: FilterSection) throws -> FilterJudge {
        var filter = filter
        filter.categories = []
        filter.dohLists = []
        filter.dohResolverLists = []
        filter.torRelayLists = []
        filter.keepClientAddresses = false
        var settings = try FilterJudgeSettings(site: site)
        settings.debounceSeconds = filter.leakDebounce.components.seconds
        let (ech, _) = try CategoryMatcher.nameSet("ech", domains: filter.echPublicNames)
        settings.echPublicNames = ech
        let empty = try CategoryMatcherBuilder(categories: []).build()
        return FilterJudge(
            settings: settings,
            categories: ReloadableCategoryMatcher(empty),
            pseudonymizer: ClientPseudonymizer(key: ClientPseudonymizer.generateKey())
        )
    }

    /// The output contract: ts, proto, name, src, dst, sport, dport (+ details when present),
    /// written into the output's reused writer.
    static func writeJSON(_ name: NameObservation, categories: [String], to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("ts")
        writer.timestamp(seconds: name.time.seconds, nanoseconds: name.time.nanoseconds)
        writer.field("proto", name.proto.rawValue)
        writer.field("name", name.name)
        name.flow.client.withText { writer.field("src", utf8: $0) }
        name.flow.server.withText { writer.field("dst", utf8: $0) }
        writer.field("sport", Int(name.flow.clientPort))
        writer.field("dport", Int(name.flow.serverPort))
        writer.field("transport", name.flow.transport.rawValue)
        if let type = name.dnsQueryType { writer.field("qtype", Int(type)) }
        if !name.alpn.isEmpty {
            writer.key("alpn")
            writer.beginArray()
            for identifier in name.alpn { writer.string(identifier) }
            writer.endArray()
        }
        if name.echPresent { writer.field("ech", true) }
        if let method = name.httpMethod { writer.field("method", method) }
        if !categories.isEmpty {
            writer.key("categories")
            writer.beginArray()
            for category in categories { writer.string(category) }
            writer.endArray()
        }
        writer.endObject()
    }
}

/// stdout through a buffer: one `write` per 64 KiB instead of one per line keeps `--format json`
/// from being bound by system calls on a big capture.
struct BufferedOutput {
    private var buffer: [UInt8] = []
    /// Reused for every record (see `record(_:)`).
    private var writer = JSONWriter()

    mutating func line(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 65_536 { flush() }
    }

    /// One JSON record written by `body` (into a reused writer), then a newline.
    mutating func record(_ body: (inout JSONWriter) -> Void) {
        writer.reset()
        body(&writer)
        buffer.append(contentsOf: writer.bytes)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 65_536 { flush() }
    }

    mutating func line(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 65_536 { flush() }
    }

    mutating func flush() {
        buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(1, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
