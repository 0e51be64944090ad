import CSnappy

/// Snappy block compression, the body encoding Prometheus remote write 1.0 requires
/// (`Content-Encoding: snappy` means the raw block format, not the framed stream format).
///
/// Output is written straight into array storage allocated once at
/// `snappy_max_compressed_length`, with no staging buffer; when the data compressed well, the
/// result is copied once into an exact-size array so a queued body does not keep the worst-case
/// allocation.
public enum Snappy {
    /// The output cap `uncompress` applies when the caller gives none: well above a remote write
    /// batch (10k samples encode to about 2 MiB), well below what would hurt a gateway.
    public static let defaultMaxBytes = 64 << 20

    /// Compresses `input` into one snappy block.
    public static func compress(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        // The block header stores the length as a 32-bit varint; larger input cannot be a block.
        precondition(input.count <= UInt32.max, "snappy blocks hold at most 4 GiB - 1")
        let bound = snappy_max_compressed_length(input.count)
        let output = withNonNullBase(input) { source in
            [UInt8](unsafeUninitializedCapacity: bound) { output, initializedCount in
                var length = bound
                let status = output.withMemoryRebound(to: CChar.self) { output in
                    snappy_compress(source, input.count, output.baseAddress, &length)
                }
                // snappy_compress fails only when the output is shorter than its own bound.
                precondition(status == SNAPPY_OK, "snappy_compress failed (\(status)) with a full-size output buffer")
                initializedCount = length
            }
        }
        return output.trimmingSlack()
    }

    /// Compresses `input` into one snappy block.
    public static func compress(_ input: [UInt8]) -> [UInt8] {
        input.withUnsafeBytes { compress($0) }
    }

    /// Restores a snappy block. The length the block claims is checked against `maxBytes`
    /// before anything is allocated, so a forged header cannot make us reserve gigabytes.
    public static func uncompress(
        _ input: UnsafeRawBufferPointer,
        maxBytes: Int = defaultMaxBytes
    ) throws(CompressionError) -> [UInt8] {
        precondition(maxBytes >= 0 && maxBytes < .max, "maxBytes must be in 0..<Int.max")
        return try withNonNullBase(input) { (source) throws(CompressionError) in
            try uncompress(source, count: input.count, maxBytes: maxBytes)
        }
    }

    private static func uncompress(
        _ source: UnsafePointer<CChar>,
        count: Int,
        maxBytes: Int
    ) throws(CompressionError) -> [UInt8] {
        var claimed = 0
        guard snappy_uncompressed_length(source, count, &claimed) == SNAPPY_OK else {
            throw CompressionError(
                count == 0 ? .truncated : .corrupt,
                "snappy: the block does not start with a valid length (\(count) bytes)"
            )
        }
        guard claimed <= maxBytes else {
            throw CompressionError(
                .tooLarge,
                "snappy: the block says \(claimed) bytes, more than the \(maxBytes) allowed"
            )
        }
        var failure: snappy_status = SNAPPY_OK
        // One byte more than claimed keeps the base address non-null for an empty block.
        let output = [UInt8](unsafeUninitializedCapacity: claimed + 1) { output, initializedCount in
            var length = claimed + 1
            failure = output.withMemoryRebound(to: CChar.self) { output in
                // snappy checks every copy against both buffers and the claimed length, so
                // damaged input fails here instead of reading or writing out of bounds.
                snappy_uncompress(source, count, output.baseAddress, &length)
            }
            initializedCount = failure == SNAPPY_OK ? length : 0
        }
        guard failure == SNAPPY_OK else {
            throw CompressionError(
                .corrupt,
                "snappy: the block is damaged or cut short (\(count) bytes, claiming \(claimed))"
            )
        }
        return output
    }

    /// Restores a snappy block; see `uncompress(_:maxBytes:)` for the size check.
    public static func uncompress(
        _ input: [UInt8],
        maxBytes: Int = defaultMaxBytes
    ) throws(CompressionError) -> [UInt8] {
        // Array.withUnsafeBytes rethrows untyped errors; a Result carries the typed one across.
        try input.withUnsafeBytes { input in
            Result { () throws(CompressionError) in try uncompress(input, maxBytes: maxBytes) }
        }
        .get()
    }

    /// Runs `body` with the input's address, or a one-byte scratch address for an empty buffer
    /// (whose base address may be nil): snappy reads nothing then, but wants a real pointer.
    private static func withNonNullBase<Result, Failure: Error>(
        _ input: UnsafeRawBufferPointer,
        _ body: (UnsafePointer<CChar>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        if let base = input.baseAddress { return try body(base.assumingMemoryBound(to: CChar.self)) }
        var scratch: CChar = 0
        return try body(&scratch)
    }
}
