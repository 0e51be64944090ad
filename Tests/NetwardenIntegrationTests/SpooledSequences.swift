import Glibc
import NetwardenSpool

/// The oracle of the delivery fault tests: what the daemon's spool took in, read from its state
/// directory after the daemon stopped.
///
/// The spool numbers records 1, 2, 3, ... across restarts and gives a number back when a write
/// fails, so with no cap drops every record ever spooled has a sequence in `1...last`. Each of
/// them must be at the collector, or (not yet acknowledged) still in the spool; and nothing at
/// or below the acknowledged sequence may be missing at the collector, since the daemon only
/// acknowledges after a 2xx.
struct SpooledSequences {
    var instanceID: UInt64
    /// The last sequence the spool handed out (0: none).
    var last: UInt64
    /// The collector output's durable acknowledgement.
    var acknowledged: UInt64
    /// Sequences still waiting in the spool for the output, in order.
    var unacknowledged: [UInt64]

    /// Reads `stateDirectory/spool`. Takes the state directory's lock first, which proves the
    /// daemon is gone and (after kill -9) that the kernel released its lock.
    static func read(stateDirectory: String, output: String = "trust") throws -> SpooledSequences {
        let lock = try StateDirectoryLock.acquire(directory: stateDirectory)
        defer { lock.release() }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        // The daemon's own caps ([spool] defaults), so opening here drops nothing it would keep.
        let spool = try Spool.open(
            SpoolConfiguration(directory: stateDirectory + "/spool", maxBytes: 1 << 30),
            nowMilliseconds: Int64(now.tv_sec) * 1000
        )
        defer { spool.close() }
        let acknowledged = spool.acknowledgedSequence(consumer: output) ?? 0
        var unacknowledged: [UInt64] = []
        var after = acknowledged
        while true {
            let batch = spool.read(consumer: output, after: after, maxRecords: 10_000, maxBytes: 64 << 20)
            guard let last = batch.last else { break }
            unacknowledged += batch.map(\.sequence)
            after = last.sequence
        }
        return SpooledSequences(
            instanceID: spool.instanceID,
            last: spool.nextSequence - 1,
            acknowledged: acknowledged,
            unacknowledged: unacknowledged
        )
    }

    /// The instance id as it prefixes record ids.
    var idPrefix: String {
        let hex = String(instanceID, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex + "-"
    }
}
