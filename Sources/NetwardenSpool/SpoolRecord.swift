/// One record read back from the spool.
public struct SpoolRecord: Sendable, Equatable {
    /// The spool's persistent random instance id (see `id`).
    public var instanceID: UInt64
    /// Spool-wide sequence number: strictly increasing, across restarts too; starts at 1.
    public var sequence: UInt64
    /// The wall-clock time the producer gave `append`.
    public var timestampMilliseconds: Int64
    /// The bytes the producer appended, unchanged.
    public var payload: [UInt8]

    public init(instanceID: UInt64, sequence: UInt64, timestampMilliseconds: Int64, payload: [UInt8]) {
        self.instanceID = instanceID
        self.sequence = sequence
        self.timestampMilliseconds = timestampMilliseconds
        self.payload = payload
    }

    /// A stable id for de-duplication downstream, `"<16 hex instance id>-<sequence>"`: a record
    /// sent twice (at-least-once delivery after a crash between send and acknowledge) carries
    /// the same id both times, and a wiped and recreated spool gets a new instance id so its
    /// restarted sequence numbers never collide with the old ones.
    public var id: String { SpoolRecord.id(instanceID: instanceID, sequence: sequence) }

    static func id(instanceID: UInt64, sequence: UInt64) -> String {
        let hex = String(instanceID, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex + "-" + String(sequence)
    }
}
