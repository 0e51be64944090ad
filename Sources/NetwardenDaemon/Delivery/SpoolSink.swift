import Logging
import NetwardenSpool
import NetwardenTelemetry
import Synchronization

/// The hub's path into the disk spool: every record, encoded, appended with write(2) before
/// `write` returns (so a kill -9 loses nothing published), fsynced by the delivery service.
///
/// Attached only while some output is configured: a gateway that delivers nowhere keeps no
/// spool. A full disk or a failing write drops records (counted by the spool) and logs one line
/// when a run of failures starts and one when it ends; producers never notice.
final class SpoolSink: TelemetrySink {
    private let spool = Mutex<Spool?>(nil)
    private let logger: Logger

    init(logger: Logger) {
        var logger = logger
        logger[metadataKey: "component"] = "spool"
        self.logger = logger
    }

    var current: Spool? { spool.withLock { $0 } }

    func attach(_ new: Spool?) { spool.withLock { $0 = new } }

    func write(_ records: [TelemetryRecord]) {
        guard let spool = current else { return }
        for record in records {
            let timestamp: Int64
            switch record {
            case .samples(let group): timestamp = group.timestampMilliseconds
            case .event(let event): timestamp = event.timestampMilliseconds
            }
            let result = spool.append([TelemetryRecordCodec.encode(record)], timestampMilliseconds: timestamp)
            if let warning = result.warning {
                if warning.isRecovery {
                    logger.notice("\(warning.message)")
                } else {
                    logger.warning("\(warning.message)")
                }
            }
        }
    }
}
