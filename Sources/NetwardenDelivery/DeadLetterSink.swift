/// Where a batch the server rejected for good (a 4xx other than 401/403/407/408/413/429) goes, so
/// it is kept for a technician and never blocks the queue. The daemon writes a bounded file
/// under the state directory; tests keep them in memory.
public protocol DeadLetterSink: Sendable {
    /// `body` is the uncompressed request body; `status` and `message` are the server's answer.
    func store(output: String, status: Int, message: String, recordIDs: [String], body: [UInt8])
}
