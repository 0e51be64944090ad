/// A period whose data reached the collector long after it was observed (a spool backlog).
public struct LateDelivery: Sendable, Equatable {
    public var fromMilliseconds: Int64
    public var toMilliseconds: Int64
    public var receivedMilliseconds: Int64
    public var records: Int

    public init(fromMilliseconds: Int64, toMilliseconds: Int64, receivedMilliseconds: Int64, records: Int) {
        self.fromMilliseconds = fromMilliseconds
        self.toMilliseconds = toMilliseconds
        self.receivedMilliseconds = receivedMilliseconds
        self.records = records
    }
}
