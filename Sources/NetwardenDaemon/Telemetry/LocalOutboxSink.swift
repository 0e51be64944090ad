import Logging
import NetwardenPlatform
import NetwardenTelemetry
import Synchronization

/// The technician's local view: every sample as a JSON line in `outbox/samples.jsonl` and every
/// event in `outbox/events.jsonl` under the state directory (`tail -f`, `jq`).
///
/// Kept beside the spool because technicians use it on the gateway itself, with no collector
/// in reach. The files never hold a torn line, follow logrotate's renames and rotate by size
/// (`LineLogFile`). A write failure (disk full, directory removed) is counted and logged once
/// per run of failures, never thrown: the probes must not notice. A run ends once writes have
/// worked for ten seconds of record time.
public final class LocalOutboxSink: TelemetrySink {
    public static let samplesFileName = "samples.jsonl"
    public static let eventsFileName = "events.jsonl"

    private struct State {
        var directory: String
        var samples: LineLogFile
        var events: LineLogFile
        var failing = false
        /// While failing: the newest record time of the first write that worked since the last
        /// failure (see `recoveryMilliseconds`).
        var workingSince: Int64?
        var errors = 0
    }

    /// How long (in record time) writes must keep working before a run of failures ends. A disk
    /// hovering at full, where a write squeezes in whenever something frees a block, stays one
    /// run: one error line, not an error and a notice per squeeze. The spool does the same.
    static let recoveryMilliseconds: Int64 = 10_000

    private let state: Mutex<State>
    private let logger: Logger

    public init(directory: String, logger: Logger) {
        state = Mutex(Self.state(directory))
        var logger = logger
        logger[metadataKey: "component"] = "outbox"
        self.logger = logger
    }

    private static func state(_ directory: String) -> State {
        State(
            directory: directory,
            samples: LineLogFile(path: directory + "/" + samplesFileName),
            events: LineLogFile(path: directory + "/" + eventsFileName)
        )
    }

    public var directory: String { state.withLock { $0.directory } }

    /// Records the sink could not write since start.
    public var errors: Int { state.withLock { $0.errors } }

    /// Points the sink at a new directory (a reload changed `state_directory`).
    public func move(to directory: String) {
        state.withLock { state in
            guard state.directory != directory else { return }
            let errors = state.errors
            state = Self.state(directory)
            state.errors = errors
        }
    }

    public func write(_ records: [TelemetryRecord]) {
        guard !records.isEmpty else { return }
        var sampleBytes: [UInt8] = []
        var eventBytes: [UInt8] = []
        var sampleRecords = 0
        var eventRecords = 0
        var newest: Int64 = .min
        for record in records {
            switch record {
            case .samples(let group):
                newest = max(newest, group.timestampMilliseconds)
                for sample in group.samples {
                    sampleBytes += TelemetryJSON.sampleLine(sample)
                    sampleBytes.append(0x0A)
                }
                sampleRecords += 1
            case .event(let event):
                newest = max(newest, event.timestampMilliseconds)
                eventBytes += TelemetryJSON.eventLine(event)
                eventBytes.append(0x0A)
                eventRecords += 1
            }
        }
        state.withLock { state in
            var failure: SystemError?
            do throws(SystemError) {
                try ensureDirectory(state.directory)
                try state.samples.append(lines: sampleBytes)
            } catch {
                failure = error
                state.errors += sampleRecords
            }
            do throws(SystemError) {
                try ensureDirectory(state.directory)
                try state.events.append(lines: eventBytes)
            } catch {
                failure = failure ?? error
                state.errors += eventRecords
            }
            if let failure {
                state.workingSince = nil
                if !state.failing {
                    logger.error("cannot write to the local outbox", metadata: ["error": "\(failure)"])
                    state.failing = true
                }
            } else if state.failing {
                let since = state.workingSince ?? newest
                state.workingSince = since
                if newest &- since >= Self.recoveryMilliseconds {
                    logger.notice("local outbox writable again", metadata: ["directory": "\(state.directory)"])
                    state.failing = false
                    state.workingSince = nil
                }
            }
        }
    }

    public func close() {
        state.withLock {
            $0.samples.close()
            $0.events.close()
        }
    }

    private func ensureDirectory(_ path: String) throws(SystemError) {
        try FileSystem.makeDirectories(path, permissions: 0o750)
    }
}
