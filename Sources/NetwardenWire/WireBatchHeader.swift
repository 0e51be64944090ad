/// The first line of an ingest body: who sends, which batch, how many records follow.
public struct WireBatchHeader: Sendable, Equatable {
    public var version: Int
    /// The identity the agent runs with now; its token must belong to it.
    public var agent: WireIdentity
    /// The spool sequence of the batch's last record (the same when a batch is resent).
    public var batch: Int64
    /// How many record lines follow the header.
    public var records: Int

    public init(version: Int, agent: WireIdentity, batch: Int64, records: Int) {
        self.version = version
        self.agent = agent
        self.batch = batch
        self.records = records
    }
}
