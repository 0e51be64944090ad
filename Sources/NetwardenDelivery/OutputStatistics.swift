import NetwardenTelemetry

/// One output's delivery totals since start, for self-metrics and `netwarden spool`.
public struct OutputStatistics: Sendable, Equatable {
    public var sentRecords = 0
    /// Samples (remote write, collector) or events (Loki, collector) delivered.
    public var sentItems = 0
    public var retries = 0
    public var deadLetterBatches = 0
    /// Records skipped because they could not be decoded (corruption the CRC missed).
    public var undecodableRecords = 0
    public var requestsByResult: [String: Int] = [:]
    /// Wall-clock milliseconds of the last 2xx, nil before the first.
    public var lastSuccessMilliseconds: Int64?
    /// Failed attempts in a row; 0 while delivery works.
    public var consecutiveFailures = 0
    /// The last failure in words (status and message, or the transport's reason).
    public var lastError: String?

    public init() {}

    /// The statistics as observations of the output families, labelled with the output.
    public func observations(output: String, backlog: Int, oldestUnsentAgeSeconds: Double) -> [Observation] {
        var list = ObservationList(common: [Label("output", output)])
        list.add(.outputBacklogRecords, backlog)
        list.add(.outputOldestUnsentAge, oldestUnsentAgeSeconds)
        list.add(.outputSentRecords, sentRecords)
        list.add(.outputSentSamples, sentItems)
        list.add(.outputRetries, retries)
        list.add(.outputDeadLetterBatches, deadLetterBatches)
        if let lastSuccessMilliseconds { list.add(.outputLastSuccess, Double(lastSuccessMilliseconds) / 1000) }
        for result in ["success", "retryable", "rejected", "failed"] {
            list.add(.outputRequests, requestsByResult[result, default: 0], [Label("result", result)])
        }
        return list.items
    }
}
