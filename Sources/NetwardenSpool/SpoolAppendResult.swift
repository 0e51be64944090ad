/// What happened to one `append` call. `append` never throws: the producer should not have to
/// care whether the disk is full; the numbers here (and in `SpoolStatistics`) say it.
public struct SpoolAppendResult: Sendable, Equatable {
    /// Sequence numbers given to the appended records, in payload order (empty when none were).
    public var sequences: [UInt64]
    /// Payloads that were not stored, by reason.
    public var dropped: [SpoolDropReason: Int]
    /// Set on the first failure of a run of failed writes, and once more when writes have
    /// worked again for ten seconds (of record timestamps): the caller logs it. One message per
    /// run, not one per dropped record, and a disk hovering at full (a write squeezing in now
    /// and then) is one run, so a full disk does not also flood the journal.
    public var warning: SpoolWarning?

    public init(sequences: [UInt64] = [], dropped: [SpoolDropReason: Int] = [:], warning: SpoolWarning? = nil) {
        self.sequences = sequences
        self.dropped = dropped
        self.warning = warning
    }

    /// Records stored by this call.
    public var appendedCount: Int { sequences.count }
    /// Records not stored by this call.
    public var droppedCount: Int { dropped.values.reduce(0, +) }
}

/// A message for the daemon's log about the spool's health.
public struct SpoolWarning: Sendable, Equatable, CustomStringConvertible {
    /// Whether this starts a run of failures (log as warning) or ends one (log as notice).
    public var isRecovery: Bool
    public var message: String

    public init(isRecovery: Bool, message: String) {
        self.isRecovery = isRecovery
        self.message = message
    }

    public var description: String { message }
}
