import Glibc
import Logging
import NetwardenCore
import NetwardenDelivery
import NetwardenHTTP
import NetwardenPlatform
import NetwardenSpool
import NetwardenTelemetry
import NetwardenWire
import ServiceLifecycle
import Synchronization

/// Everything between the hub and the trust's servers: opens the spool under the state
/// directory when outputs are configured, runs one uploader per output, fsyncs the spool on the
/// configured interval, applies its age cap, and publishes the spool's and outputs' self-metrics.
///
/// A reload that changes `[spool]` or `[[outputs.*]]` restarts the uploaders (each resumes at
/// its durable acknowledgement, so nothing is sent twice or skipped); an output removed from the
/// file is unregistered so the spool stops keeping data for it.
public struct DeliveryService: Service {
    private let store: SettingsStore
    private let hub: TelemetryHub
    private let status: DaemonStatus
    private let sink: SpoolSink
    private let board = OutputBoard()
    private let logger: Logger

    public init(store: SettingsStore, hub: TelemetryHub, status: DaemonStatus, logger: Logger) {
        self.store = store
        self.hub = hub
        self.status = status
        var logger = logger
        logger[metadataKey: "component"] = "delivery"
        self.logger = logger
        sink = SpoolSink(logger: logger)
        hub.add(sink: sink)
        let sink = self.sink
        let board = self.board
        hub.registerCollector(scope: "spool") { Self.spoolObservations(sink.current) }
        hub.registerCollector(scope: "outputs") { board.observations }
        // Open now, before any producer starts, so the very first samples are spooled too;
        // `run` retries if this fails.
        if !store.current.outputs.isEmpty { _ = try? openSpool(store.current) }
    }

    /// Each output's delivery state now (for `netwarden status`).
    public func statusOutputs(_ outputs: [OutputSettings]) -> [DeliveryStatus.Output] { board.statusOutputs(outputs) }
    /// A drained backlog at least this large (records) is followed by returning free memory to
    /// the system; the few records of a normal interval are not worth it.
    static let releaseMemoryAfterBacklog = 1_000

    /// The spool directory under a state directory.
    public static func spoolDirectory(stateDirectory: String) -> String { stateDirectory + "/spool" }

    public func run() async throws {
        while !ShutdownAware.shouldStop {
            let settings = store.current
            guard !settings.outputs.isEmpty else {
                close()
                await waitForChange(from: settings)
                continue
            }
            let spool: Spool
            do {
                spool = try openSpool(settings)
            } catch {
                logger.error(
                    "cannot open the spool; nothing is delivered until it can",
                    metadata: ["error": "\(error)"]
                )
                await ShutdownAware.sleep(for: .seconds(30))
                continue
            }
            await deliver(settings: settings, spool: spool)
        }
        close()
    }

    private func close() {
        if let spool = sink.current {
            sink.attach(nil)
            spool.close()
        }
        board.reset()
    }

    private func openSpool(_ settings: RuntimeSettings) throws(SpoolError) -> Spool {
        let directory = Self.spoolDirectory(stateDirectory: settings.stateDirectory)
        let previous = sink.current
        if let previous, previous.configuration.directory == directory {
            // Reopening would detach the sink for the seconds a large spool takes to scan, and
            // everything published meanwhile would be lost: new caps wait for the next start.
            if previous.configuration.maxAge != settings.spool.maxAge
                || previous.configuration.maxBytes != Int64(settings.spool.maxBytes)
            {
                logger.notice("the new [spool] limits apply from the next start; the running spool keeps its limits")
            }
            return previous
        }
        let configuration = SpoolConfiguration(
            directory: directory,
            maxBytes: Int64(settings.spool.maxBytes),
            maxAge: settings.spool.maxAge,
            syncInterval: settings.spool.fsyncInterval
        )
        let spool = try Spool.open(configuration, nowMilliseconds: hub.clock.nowMilliseconds())
        let statistics = spool.statistics
        logger.notice(
            "spool open",
            metadata: [
                "directory": "\(directory)", "records": "\(statistics.records)", "bytes": "\(statistics.bytes)",
                "max_bytes": "\(statistics.maxBytes)",
            ]
        )
        if statistics.tornTailsTruncated > 0 || statistics.corruptRegionsSkipped > 0 {
            logger.warning(
                "spool recovered from an unclean stop",
                metadata: [
                    "torn_tails": "\(statistics.tornTailsTruncated)",
                    "corrupt_regions": "\(statistics.corruptRegionsSkipped)",
                ]
            )
        }
        // The new spool takes over before the old one closes, so no publish finds no spool; a
        // spool that fails to open above leaves the old one delivering.
        sink.attach(spool)
        previous?.close()
        board.reset()
        return spool
    }

    private func deliver(settings: RuntimeSettings, spool: Spool) async {
        let names = Set(settings.outputs.map(\.name))
        for stale in spool.consumers where !names.contains(stale) {
            logger.notice("output removed; the spool no longer keeps data for it", metadata: ["output": "\(stale)"])
            spool.unregister(consumer: stale)
        }
        var uploaders: [OutputUploader] = []
        for output in settings.outputs {
            spool.register(consumer: output.name)
            switch makeUploader(output, settings: settings, spool: spool) {
            case .success(let uploader): uploaders.append(uploader)
            case .failure(let error): logger.error("output not started", metadata: ["error": "\(error)"])
            }
        }
        board.reset()
        let running = uploaders
        await withTaskGroup(of: Void.self) { group in
            for uploader in running {
                group.addTask { await uploader.run() }
            }
            // Housekeeping: fsync, age cap, self-metrics, and watching for a reload.
            group.addTask {
                var lastCaps = ContinuousClock.now
                var lastStatus = ContinuousClock.now - .seconds(5)
                var largestBacklogSinceRelease = 0
                while !ShutdownAware.shouldStop {
                    await ShutdownAware.sleep(for: settings.spool.fsyncInterval)
                    spool.sync()
                    if ContinuousClock.now - lastCaps >= .seconds(60) {
                        spool.enforceCaps(nowMilliseconds: hub.clock.nowMilliseconds())
                        lastCaps = ContinuousClock.now
                    }
                    await board.refresh(running)
                    if ContinuousClock.now - lastStatus >= .seconds(5) {
                        writeStatus(spool: spool, settings: settings)
                        lastStatus = ContinuousClock.now
                    }
                    let backlog = board.largestBacklog
                    // Draining a backlog leaves its batches' memory (some 30 MiB for a 2,000-record
                    // batch size) in malloc's arenas; give it back once the outputs have caught up.
                    largestBacklogSinceRelease = max(largestBacklogSinceRelease, backlog)
                    if backlog == 0 && largestBacklogSinceRelease >= Self.releaseMemoryAfterBacklog {
                        FreeMemoryRelease.releaseFreeMemory()
                        largestBacklogSinceRelease = 0
                    }
                    let failing = board.failingOutputs
                    status.update {
                        $0.deliveryBacklog = backlog
                        $0.outputsFailing = failing
                    }
                    let current = store.current
                    if current.outputs != settings.outputs || current.spool != settings.spool
                        || current.stateDirectory != settings.stateDirectory
                    {
                        logger.notice("delivery settings changed; restarting the uploaders")
                        return
                    }
                }
            }
            await group.next()
            group.cancelAll()
        }
        spool.sync()
        writeStatus(spool: spool, settings: settings)
    }

    private func writeStatus(spool: Spool, settings: RuntimeSettings) {
        let statistics = spool.statistics
        DeliveryStatus(
            writtenAtMilliseconds: hub.clock.nowMilliseconds(),
            pid: getpid(),
            spoolBytes: statistics.bytes,
            spoolRecords: statistics.records,
            droppedRecords: Dictionary(
                uniqueKeysWithValues: statistics.droppedRecords.map { ($0.key.rawValue, $0.value) }
            ),
            outputs: board.statusOutputs(settings.outputs)
        ).write(stateDirectory: settings.stateDirectory)
    }

    private func makeUploader(
        _ output: OutputSettings,
        settings: RuntimeSettings,
        spool: Spool
    ) -> Result<OutputUploader, OutputSetupError> {
        let clientSettings: HTTPUploadSettings
        switch OutputClientSettings.make(output) {
        case .success(let made): clientSettings = made
        case .failure(let error): return .failure(error)
        }
        let client: HTTPUploadClient
        do {
            client = try HTTPUploadClient(settings: clientSettings)
        } catch {
            return .failure(OutputSetupError(output: output.name, message: error.description))
        }
        if output.insecureSkipVerify {
            logger.warning(
                "TLS verification is off for this output (insecure_skip_verify); use ca_file instead",
                metadata: ["output": "\(output.name)"]
            )
        }
        let compressor = LibraryCompressor()
        let encoder: any OutputEncoder
        var url = output.url
        switch output.kind {
        case .remoteWrite:
            encoder = RemoteWriteOutputEncoder(compressor: compressor, userAgent: clientSettings.userAgent)
        case .loki:
            encoder = LokiEncoder(compressor: compressor)
        case .collector:
            encoder = CollectorEncoder(compressor: compressor)
            while url.hasSuffix("/") { url.removeLast() }
            url += IngestAPI.path
        }
        let hub = self.hub
        let wallClock = hub.clock
        return .success(
            OutputUploader(
                configuration: .init(
                    name: output.name,
                    maxRecordsPerRequest: output.maxRecordsPerRequest,
                    maxBytesPerRequest: output.maxBytesPerRequest,
                    retry: RetryPolicy(minimum: output.minBackoff, maximum: output.maxBackoff)
                ),
                encoder: encoder,
                transport: UploadDeliveryTransport(url: url, transport: client),
                queue: SpoolDeliveryQueue(spool: spool),
                deadLetters: DeadLetterFile(directory: settings.stateDirectory + "/dead-letter") {
                    wallClock.nowMilliseconds()
                },
                clock: ContinuousClock(),
                wallClock: wallClock,
                agent: { hub.identity },
                logger: logger
            )
        )
    }

    private func waitForChange(from settings: RuntimeSettings) async {
        while !ShutdownAware.shouldStop {
            await ShutdownAware.sleep(for: .milliseconds(500))
            if store.current.outputs != settings.outputs { return }
        }
    }

    static func spoolObservations(_ spool: Spool?) -> [Observation] {
        guard let spool else { return [] }
        let statistics = spool.statistics
        var list = ObservationList()
        list.add(.spoolBytes, Double(statistics.bytes))
        list.add(.spoolRecords, statistics.records)
        for reason in SpoolDropReason.allCases {
            list.add(
                .spoolDroppedRecords,
                Double(statistics.droppedRecords[reason, default: 0]),
                [Label("reason", reason.rawValue)]
            )
        }
        list.add(.spoolCorruptRecords, Double(statistics.corruptRegionsSkipped))
        return list.items
    }
}

/// The outputs' latest self-metrics and health, refreshed by the delivery service so the
/// hub's (synchronous) collectors and the STATUS line can read them without awaiting actors.
final class OutputBoard: Sendable {
    private struct Entry {
        var observations: [Observation]
        var backlog: Int
        var oldestAge: Double
        var statistics: OutputStatistics
    }

    private let entries = Mutex<[String: Entry]>([:])

    func reset() { entries.withLock { $0 = [:] } }

    func refresh(_ uploaders: [OutputUploader]) async {
        for uploader in uploaders {
            let observations = await uploader.observations()
            let statistics = await uploader.statistics
            let backlog = observations.first { $0.family == .outputBacklogRecords }.map { Int($0.value) } ?? 0
            let age = observations.first { $0.family == .outputOldestUnsentAge }?.value ?? 0
            entries.withLock {
                $0[uploader.configuration.name] = Entry(
                    observations: observations,
                    backlog: backlog,
                    oldestAge: age,
                    statistics: statistics
                )
            }
        }
    }

    var observations: [Observation] {
        entries.withLock { entries in entries.keys.sorted().flatMap { entries[$0]!.observations } }
    }

    var largestBacklog: Int { entries.withLock { $0.values.map(\.backlog).max() ?? 0 } }
    var failingOutputs: Int {
        entries.withLock { $0.values.filter { $0.statistics.consecutiveFailures > 0 }.count }
    }

    /// Each output's line of `spool/status.json`, in configuration order.
    func statusOutputs(_ outputs: [OutputSettings]) -> [DeliveryStatus.Output] {
        entries.withLock { entries in
            outputs.map { output in
                let entry = entries[output.name]
                let statistics = entry?.statistics ?? OutputStatistics()
                return DeliveryStatus.Output(
                    name: output.name,
                    kind: output.kind.rawValue,
                    url: DeliveryStatus.displayURL(output.url),
                    backlogRecords: entry?.backlog ?? 0,
                    oldestUnsentAgeSeconds: entry?.oldestAge ?? 0,
                    sentRecords: statistics.sentRecords,
                    sentItems: statistics.sentItems,
                    retries: statistics.retries,
                    deadLetterBatches: statistics.deadLetterBatches,
                    lastSuccessMilliseconds: statistics.lastSuccessMilliseconds,
                    consecutiveFailures: statistics.consecutiveFailures,
                    lastError: statistics.lastError
                )
            }
        }
    }
}
