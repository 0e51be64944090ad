/// A whole ingest body, decoded and checked: the header and every record line.
public struct IngestBatch: Sendable, Equatable {
    public var header: WireBatchHeader
    public var records: [WireRecord]
    /// Members this version does not know, over all lines: a newer agent's additions, ignored
    /// but counted so an operator can see that agents are ahead of the collector.
    public var unknownFields: Int

    public init(header: WireBatchHeader, records: [WireRecord], unknownFields: Int) {
        self.header = header
        self.records = records
        self.unknownFields = unknownFields
    }

    /// Records whose `type` this version does not know.
    public var unknownRecords: Int {
        records.count { if case .unknown = $0 { true } else { false } }
    }
}
