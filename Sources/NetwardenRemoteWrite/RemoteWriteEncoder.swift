/// Builds a Prometheus remote write 1.0 `WriteRequest` body, series by series, straight into one
/// growing byte buffer. Compress the result with snappy (block format) and send it with
/// `RemoteWriteHTTP.headers(userAgent:)`.
///
/// ```swift
/// var encoder = RemoteWriteEncoder()
/// try encoder.append(labels: [("__name__", "probe_success"), ("site", "north")], value: 1, timestampMilliseconds: now)
/// encoder.append(RemoteWriteMetadata(type: .gauge, metricFamilyName: "probe_success", help: "..."))
/// let body = Snappy.compress(encoder.finish())
/// ```
///
/// Why protobuf by hand rather than swift-protobuf: what remote write 1.0 sends is four small
/// messages fixed by its published spec (2.0 is a separate message), not worth a dependency and a
/// code generator; and generated code wants a `WriteRequest` value built first, with `[Label]` and
/// `[Sample]` arrays (allocations) per series, which it then walks twice (size, then bytes). A
/// gateway pushes thousands of samples every few seconds on a small CPU, so this encoder instead:
///
/// - computes each series' exact encoded size from the label byte counts and the timestamps'
///   varint sizes (the only variable-width parts), writes the length prefix once, then the
///   content, so nothing is written twice and no length is back-patched or padded;
/// - writes label strings from the strings' own UTF-8 storage and samples from the caller's
///   array, with no intermediate `Label` or `Sample` values;
/// - appends to one `[UInt8]` that `removeAll(keepingCapacity:)` reuses for the next batch.
/// - for series pushed every interval, takes a `RemoteWriteLabels` whose label bytes were checked
///   and encoded once, so a push is a copy of those bytes plus one sample.
///
/// The wire layout, for reference (`WriteRequest` is the top level, so a series is simply one
/// more field 1 appended, which is what makes the streaming API possible):
///
/// ```
/// WriteRequest   { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; }
/// TimeSeries     { repeated Label labels = 1; repeated Sample samples = 2; }
/// Label          { string name = 1; string value = 2; }
/// Sample         { double value = 1; int64 timestamp = 2; }     // milliseconds since the epoch
/// MetricMetadata { MetricType type = 1; string metric_family_name = 2; string help = 4; string unit = 5; }
/// ```
///
/// Both sample fields are always written, even when zero (proto3 would omit them): decoders
/// accept either, a fixed shape keeps the size arithmetic simple, and `-0.0` keeps its sign.
/// Timestamps are `int64`, not `sint64`, so a negative one costs ten bytes, as the schema says.
///
/// What a receiver would reject is checked before anything is written, so one bad series throws
/// and leaves the request as it was instead of making the whole batch fail with a 400: labels are
/// sorted by name (bytewise, as Prometheus compares them) when they are not already, empty
/// values are dropped, and names must be unique and valid, `__name__` present and timestamps
/// strictly increasing. Label values may be any UTF-8, which every Swift `String` is.
public struct RemoteWriteEncoder: Sendable {
    /// The label that carries the metric name.
    public static let metricNameLabel = "__name__"

    /// The request so far: a complete, valid `WriteRequest` after every call.
    public private(set) var bytes: [UInt8]
    public private(set) var seriesCount = 0
    public private(set) var sampleCount = 0

    /// A sample is a tag and length (2), a tag and eight bytes (9), a tag (1) and the timestamp's
    /// varint (1...10).
    private static let sampleSizeWithoutTimestamp = 12

    public init(reservingCapacity capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// The encoded request. The encoder stays usable; appending more after this copies the
    /// buffer once, so call `removeAll(keepingCapacity:)` first when starting the next batch.
    public func finish() -> [UInt8] { bytes }

    /// Empties the request, keeping the buffer's capacity for the next batch by default.
    public mutating func removeAll(keepingCapacity: Bool = true) {
        bytes.removeAll(keepingCapacity: keepingCapacity)
        seriesCount = 0
        sampleCount = 0
    }

    /// Appends one series. Throws, writing nothing, if a receiver would reject it.
    public mutating func append(_ series: RemoteWriteSeries) throws(RemoteWriteError) {
        try append(labels: series.labels, samples: series.samples)
    }

    /// Appends one series with a single sample, the usual shape of a push of current values,
    /// without building a samples array.
    public mutating func append(
        labels: [(name: String, value: String)],
        value: Double,
        timestampMilliseconds: Int64
    ) throws(RemoteWriteError) {
        let labels = try Self.checked(labels)
        let samplesSize = Self.sampleSize(timestampMilliseconds)
        writeSeries(labels: labels, samplesSize: samplesSize) { writer in
            Self.writeSample(value, timestampMilliseconds, into: &writer)
        }
        sampleCount += 1
    }

    /// Appends one series with its samples, which must be in strictly increasing timestamp order.
    /// Throws, writing nothing, if a receiver would reject it.
    public mutating func append(
        labels: [(name: String, value: String)],
        samples: [(value: Double, timestampMilliseconds: Int64)]
    ) throws(RemoteWriteError) {
        let labels = try Self.checked(labels)
        let samplesSize = try Self.samplesSize(samples) { Self.name(labels) }
        writeSeries(labels: labels, samplesSize: samplesSize) { writer in
            Self.writeSamples(samples, into: &writer)
        }
        sampleCount += samples.count
    }

    /// Appends one series with a single sample, its labels already checked and encoded: the
    /// fast path for series pushed every interval. Cannot fail.
    public mutating func append(_ labels: RemoteWriteLabels, value: Double, timestampMilliseconds: Int64) {
        writeSeries(encodedLabels: labels.encoded, samplesSize: Self.sampleSize(timestampMilliseconds)) { writer in
            Self.writeSample(value, timestampMilliseconds, into: &writer)
        }
        sampleCount += 1
    }

    /// Appends one series with its samples, its labels already checked and encoded. Throws,
    /// writing nothing, unless timestamps strictly increase.
    public mutating func append(
        _ labels: RemoteWriteLabels,
        samples: [(value: Double, timestampMilliseconds: Int64)]
    ) throws(RemoteWriteError) {
        let samplesSize = try Self.samplesSize(samples) { labels.metricName }
        writeSeries(encodedLabels: labels.encoded, samplesSize: samplesSize) { writer in
            Self.writeSamples(samples, into: &writer)
        }
        sampleCount += samples.count
    }

    /// Appends a metric family's metadata. Empty strings and `.unknown` are left out, as proto3
    /// leaves out default values.
    public mutating func append(_ metadata: RemoteWriteMetadata) {
        var contentSize = metadata.type == .unknown ? 0 : 1 + ProtobufWriter.varintSize(UInt64(metadata.type.rawValue))
        for text in [metadata.metricFamilyName, metadata.help, metadata.unit] where !text.isEmpty {
            contentSize += ProtobufWriter.lengthDelimitedSize(text.utf8.count)
        }
        bytes.write(size: ProtobufWriter.lengthDelimitedSize(contentSize)) { writer in
            writer.messageHeader(field: 3, length: contentSize)
            if metadata.type != .unknown {
                writer.byte(ProtobufWriter.tag(1, ProtobufWriter.varint))
                writer.varint(UInt64(metadata.type.rawValue))
            }
            if !metadata.metricFamilyName.isEmpty { writer.string(field: 2, metadata.metricFamilyName) }
            if !metadata.help.isEmpty { writer.string(field: 4, metadata.help) }
            if !metadata.unit.isEmpty { writer.string(field: 5, metadata.unit) }
        }
    }

    // MARK: writing

    private mutating func writeSeries(
        labels: [(name: String, value: String)],
        samplesSize: Int,
        samples: (inout ProtobufWriter) -> Void
    ) {
        var contentSize = samplesSize
        for label in labels {
            contentSize += ProtobufWriter.lengthDelimitedSize(Self.labelSize(label))
        }
        bytes.write(size: ProtobufWriter.lengthDelimitedSize(contentSize)) { writer in
            writer.messageHeader(field: 1, length: contentSize)
            for label in labels { Self.writeLabel(label, into: &writer) }
            samples(&writer)
        }
        seriesCount += 1
    }

    private mutating func writeSeries(
        encodedLabels: [UInt8],
        samplesSize: Int,
        samples: (inout ProtobufWriter) -> Void
    ) {
        let contentSize = encodedLabels.count + samplesSize
        bytes.write(size: ProtobufWriter.lengthDelimitedSize(contentSize)) { writer in
            writer.messageHeader(field: 1, length: contentSize)
            encodedLabels.withUnsafeBytes { writer.raw($0) }
            samples(&writer)
        }
        seriesCount += 1
    }

    @inline(__always)
    static func writeLabel(_ label: (name: String, value: String), into writer: inout ProtobufWriter) {
        writer.messageHeader(field: 1, length: labelSize(label))
        writer.string(field: 1, label.name)
        writer.string(field: 2, label.value)
    }

    @inline(__always)
    static func labelSize(_ label: (name: String, value: String)) -> Int {
        ProtobufWriter.lengthDelimitedSize(label.name.utf8.count)
            + ProtobufWriter.lengthDelimitedSize(label.value.utf8.count)
    }

    @inline(__always)
    private static func sampleSize(_ timestamp: Int64) -> Int {
        sampleSizeWithoutTimestamp + ProtobufWriter.varintSize(UInt64(bitPattern: timestamp))
    }

    /// The encoded size of `samples`, checking that their timestamps strictly increase.
    private static func samplesSize(
        _ samples: [(value: Double, timestampMilliseconds: Int64)],
        seriesName: () -> String
    ) throws(RemoteWriteError) -> Int {
        var size = 0
        var previous = Int64.min
        for (index, sample) in samples.enumerated() {
            guard index == 0 || sample.timestampMilliseconds > previous else {
                throw RemoteWriteError(
                    .samplesOutOfOrder,
                    "\(seriesName()): sample \(index) at \(sample.timestampMilliseconds) ms does not follow \(previous) ms"
                )
            }
            previous = sample.timestampMilliseconds
            size += sampleSize(sample.timestampMilliseconds)
        }
        return size
    }

    private static func writeSamples(
        _ samples: [(value: Double, timestampMilliseconds: Int64)],
        into writer: inout ProtobufWriter
    ) {
        for sample in samples { writeSample(sample.value, sample.timestampMilliseconds, into: &writer) }
    }

    @inline(__always)
    private static func writeSample(_ value: Double, _ timestamp: Int64, into writer: inout ProtobufWriter) {
        let timestamp = UInt64(bitPattern: timestamp)
        writer.messageHeader(field: 2, length: 10 + ProtobufWriter.varintSize(timestamp))
        writer.byte(ProtobufWriter.tag(1, ProtobufWriter.fixed64))
        writer.fixed64(value.bitPattern)
        writer.byte(ProtobufWriter.tag(2, ProtobufWriter.varint))
        writer.varint(timestamp)
    }

    // MARK: checking labels

    /// The labels as the receiver needs them: empty values dropped, sorted, unique, valid.
    /// Returns the caller's own array (no copy) when it already is, as the telemetry hub's are.
    static func checked(
        _ labels: [(name: String, value: String)]
    ) throws(RemoteWriteError) -> [(name: String, value: String)] {
        var inOrder = true
        var hasEmptyValue = false
        for index in labels.indices {
            if labels[index].value.isEmpty { hasEmptyValue = true }
            if index > 0 && !precedes(labels[index - 1].name, labels[index].name) { inOrder = false }
        }
        var labels = labels
        if hasEmptyValue { labels.removeAll { $0.value.isEmpty } }
        if !inOrder { labels.sort { precedes($0.name, $1.name) } }

        var hasMetricName = false
        for index in labels.indices {
            let label = labels[index]
            if index > 0 && labels[index - 1].name == label.name {
                throw RemoteWriteError(.duplicateLabelName, "\(name(labels)): label \"\(label.name)\" appears twice")
            }
            if label.name == metricNameLabel {
                hasMetricName = true
                guard isValidMetricName(label.value) else {
                    throw RemoteWriteError(
                        .invalidMetricName,
                        "metric name \"\(label.value)\" is not [a-zA-Z_:][a-zA-Z0-9_:]*"
                    )
                }
            } else if !isValidLabelName(label.name) {
                throw RemoteWriteError(
                    .invalidLabelName,
                    "\(name(labels)): label name \"\(label.name)\" is not [a-zA-Z_][a-zA-Z0-9_]*"
                )
            }
        }
        guard hasMetricName else {
            throw RemoteWriteError(.missingMetricName, "a series with labels \(labels.map(\.name)) has no __name__")
        }
        return labels
    }

    /// Bytewise UTF-8 order, which is how Go (and so every receiver) compares label names.
    /// Checking labels is most of the cost of a series that is not pre-encoded, so native
    /// strings are compared over their storage rather than through `String.UTF8View`'s iterator.
    @inline(__always)
    private static func precedes(_ a: String, _ b: String) -> Bool {
        let fast = a.utf8.withContiguousStorageIfAvailable { a in
            b.utf8.withContiguousStorageIfAvailable { b in
                for index in 0..<min(a.count, b.count) where a[index] != b[index] { return a[index] < b[index] }
                return a.count < b.count
            }
        }
        return (fast ?? nil) ?? a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    private static func name(_ labels: [(name: String, value: String)]) -> String {
        labels.first { $0.name == metricNameLabel }?.value ?? "(no __name__)"
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`, or with `colons`, `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    @inline(__always)
    private static func isValidName(_ name: String, colons: Bool) -> Bool {
        func check(_ bytes: some Collection<UInt8>) -> Bool {
            var first = true
            for byte in bytes {
                let letter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
                let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
                guard letter || byte == UInt8(ascii: "_") || (colons && byte == UInt8(ascii: ":")) || (digit && !first)
                else { return false }
                first = false
            }
            return !first
        }
        return name.utf8.withContiguousStorageIfAvailable(check) ?? check(name.utf8)
    }

    private static func isValidLabelName(_ name: String) -> Bool { isValidName(name, colons: false) }

    private static func isValidMetricName(_ name: String) -> Bool { isValidName(name, colons: true) }
}
