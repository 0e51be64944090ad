import NetwardenDelivery
import NetwardenSpool

/// The disk spool as the uploaders' queue.
struct SpoolDeliveryQueue: DeliveryQueue {
    let spool: Spool

    func read(consumer: String, after sequence: UInt64?, maxRecords: Int, maxBytes: Int) -> [QueuedRecord] {
        spool.read(consumer: consumer, after: sequence, maxRecords: maxRecords, maxBytes: maxBytes).map {
            QueuedRecord(
                sequence: $0.sequence,
                id: $0.id,
                timestampMilliseconds: $0.timestampMilliseconds,
                payload: $0.payload
            )
        }
    }

    func acknowledge(consumer: String, through sequence: UInt64) {
        spool.acknowledge(consumer: consumer, through: sequence)
    }

    func acknowledgedSequence(consumer: String) -> UInt64? { spool.acknowledgedSequence(consumer: consumer) }

    func backlog(consumer: String) -> (records: Int, oldestMilliseconds: Int64?) {
        let backlog = spool.backlog(consumer: consumer)
        return (backlog.records, backlog.oldestTimestampMilliseconds)
    }
}
