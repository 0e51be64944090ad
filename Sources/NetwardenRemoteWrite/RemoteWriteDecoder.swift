/// Reads a remote write 1.0 `WriteRequest` (already snappy-decompressed) back into values.
///
/// It exists so tests can check the encoder's bytes field by field, and so a receiver (the
/// collector, a lab fake of Prometheus) can read what gateways send. It takes untrusted input:
/// every length is checked, unknown fields are skipped as protobuf requires, and damage gives a
/// `RemoteWriteError` with the offset, never a crash.
///
/// It reports what is on the wire and does not judge it: labels keep their order and empty
/// values, samples their order, so a test sees exactly what the encoder produced. Fields proto3
/// leaves out read as zero; an unknown metric type reads as `.unknown`.
public enum RemoteWriteDecoder {
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(RemoteWriteError) -> RemoteWriteRequest {
        var reader = ProtobufReader(bytes)
        var request = RemoteWriteRequest()
        while !reader.isAtEnd {
            let (field, wireType) = try reader.tag()
            switch (field, wireType) {
            case (1, ProtobufWriter.lengthDelimited):
                var content = try reader.lengthDelimited()
                request.series.append(try series(&content))
            case (3, ProtobufWriter.lengthDelimited):
                var content = try reader.lengthDelimited()
                request.metadata.append(try metadata(&content))
            default:
                try reader.skip(wireType: wireType)
            }
        }
        return request
    }

    public static func decode(_ bytes: [UInt8]) throws(RemoteWriteError) -> RemoteWriteRequest {
        // Array.withUnsafeBytes rethrows untyped errors; a Result carries the typed one across.
        try bytes.withUnsafeBytes { bytes in Result { () throws(RemoteWriteError) in try decode(bytes) } }.get()
    }

    private static func series(_ reader: inout ProtobufReader) throws(RemoteWriteError) -> RemoteWriteSeries {
        var series = RemoteWriteSeries(labels: [], samples: [])
        while !reader.isAtEnd {
            let (field, wireType) = try reader.tag()
            switch (field, wireType) {
            case (1, ProtobufWriter.lengthDelimited):
                var content = try reader.lengthDelimited()
                var label = (name: "", value: "")
                while !content.isAtEnd {
                    let (field, wireType) = try content.tag()
                    switch (field, wireType) {
                    case (1, ProtobufWriter.lengthDelimited): label.name = try content.string()
                    case (2, ProtobufWriter.lengthDelimited): label.value = try content.string()
                    default: try content.skip(wireType: wireType)
                    }
                }
                series.labels.append(label)
            case (2, ProtobufWriter.lengthDelimited):
                var content = try reader.lengthDelimited()
                var sample = (value: 0.0, timestampMilliseconds: Int64(0))
                while !content.isAtEnd {
                    let (field, wireType) = try content.tag()
                    switch (field, wireType) {
                    case (1, ProtobufWriter.fixed64): sample.value = Double(bitPattern: try content.fixed64())
                    case (2, ProtobufWriter.varint):
                        sample.timestampMilliseconds = Int64(bitPattern: try content.varint())
                    default: try content.skip(wireType: wireType)
                    }
                }
                series.samples.append(sample)
            default:
                try reader.skip(wireType: wireType)
            }
        }
        return series
    }

    private static func metadata(_ reader: inout ProtobufReader) throws(RemoteWriteError) -> RemoteWriteMetadata {
        var metadata = RemoteWriteMetadata(type: .unknown, metricFamilyName: "", help: "")
        while !reader.isAtEnd {
            let (field, wireType) = try reader.tag()
            switch (field, wireType) {
            case (1, ProtobufWriter.varint):
                // Enums are int32 on the wire; anything else is a type this schema does not know.
                let raw = try reader.varint()
                metadata.type =
                    Int32(exactly: Int64(bitPattern: raw)).flatMap(RemoteWriteMetadata.MetricType.init) ?? .unknown
            case (2, ProtobufWriter.lengthDelimited): metadata.metricFamilyName = try reader.string()
            case (4, ProtobufWriter.lengthDelimited): metadata.help = try reader.string()
            case (5, ProtobufWriter.lengthDelimited): metadata.unit = try reader.string()
            default: try reader.skip(wireType: wireType)
            }
        }
        return metadata
    }
}
