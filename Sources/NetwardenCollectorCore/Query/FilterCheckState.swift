import NetwardenWire

/// The latest state of one filter check at one gateway (a `filter_checks` row).
public struct FilterCheckState: Sendable, Equatable {
    public var identity: WireIdentity
    public var vantage: String
    public var category: String
    public var kind: String
    public var check: String
    public var expect: String
    public var run: String
    public var status: String
    public var lastMilliseconds: Int64
    public var lastConclusiveMilliseconds: Int64?
    public var lastConclusiveStatus: String?

    public init(
        identity: WireIdentity,
        vantage: String,
        category: String,
        kind: String,
        check: String,
        expect: String,
        run: String,
        status: String,
        lastMilliseconds: Int64,
        lastConclusiveMilliseconds: Int64?,
        lastConclusiveStatus: String?
    ) {
        self.identity = identity
        self.vantage = vantage
        self.category = category
        self.kind = kind
        self.check = check
        self.expect = expect
        self.run = run
        self.status = status
        self.lastMilliseconds = lastMilliseconds
        self.lastConclusiveMilliseconds = lastConclusiveMilliseconds
        self.lastConclusiveStatus = lastConclusiveStatus
    }
}
