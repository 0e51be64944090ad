/// A decoded remote write 1.0 `WriteRequest`: its series and metadata in the order they were sent.
public struct RemoteWriteRequest: Sendable, Equatable {
    public var series: [RemoteWriteSeries]
    public var metadata: [RemoteWriteMetadata]

    public init(series: [RemoteWriteSeries] = [], metadata: [RemoteWriteMetadata] = []) {
        self.series = series
        self.metadata = metadata
    }
}
