import CZlib

/// gzip (RFC 1952) through zlib: the body encoding for Loki push and most HTTP APIs that accept
/// `Content-Encoding: gzip`.
///
/// zlib writes straight into array storage, which is never zero-filled first. Compression sizes
/// it with `deflateBound`, so a body is compressed in one `deflate` call, and copies the result
/// into an exact-size array when it compressed well (see `trimmingSlack`).
/// Decompression starts from the size the gzip trailer claims (only a hint: the input is not
/// trusted), grows by doubling when the stream proves it needs more, and stops at the caller's
/// `maxBytes`: a small body that would expand to gigabytes (a zip bomb) fails with `.tooLarge`
/// having held at most `maxBytes + 1` bytes of output.
public enum Gzip {
    /// zlib's window bits for a 32 KiB window; adding 16 selects the gzip wrapper instead of zlib's.
    private static let gzipWindowBits: Int32 = 15 + 16
    /// zlib's default memory level: its own recommendation for speed against memory.
    private static let memoryLevel: Int32 = 8
    /// zlib counts bytes in `UInt32`; feeding at most 1 GiB per call keeps every count in range.
    private static let chunk = 1 << 30

    /// Compresses `input` into one gzip member. `level` is zlib's: 1 fastest, 9 smallest,
    /// 6 (the default) its usual balance; 0 stores without compressing.
    public static func compress(_ input: UnsafeRawBufferPointer, level: Int = 6) -> [UInt8] {
        precondition((0...9).contains(level), "gzip level \(level) is outside 0...9")
        var stream = z_stream()
        let status = CZlib_deflateInit2(
            &stream,
            Int32(level),
            Z_DEFLATED,
            gzipWindowBits,
            memoryLevel,
            Z_DEFAULT_STRATEGY
        )
        // With valid parameters only an allocation failure is possible, and Swift treats running
        // out of memory as fatal everywhere else too.
        precondition(status == Z_OK, "deflateInit2 failed (\(status))")
        defer { deflateEnd(&stream) }

        var consumed = 0
        let bound = Int(deflateBound(&stream, UInt(input.count)))
        // deflateBound covers one Z_FINISH pass, so this never grows below 1 GiB of input.
        let output = fill(capacity: bound, limit: .max) { output, written in
            while true {
                let inputCount = min(chunk, input.count - consumed)
                let finish = consumed + inputCount == input.count
                stream.next_in = input.baseAddress.map { $0.assumingMemoryBound(to: Bytef.self) + consumed }
                stream.avail_in = uInt(inputCount)
                stream.next_out = output.baseAddress! + written
                stream.avail_out = uInt(min(chunk, output.count - written))
                let before = (stream.avail_in, stream.avail_out)
                let result = deflate(&stream, finish ? Z_FINISH : Z_NO_FLUSH)
                consumed += Int(before.0 - stream.avail_in)
                written += Int(before.1 - stream.avail_out)
                precondition(
                    result == Z_OK || result == Z_STREAM_END || result == Z_BUF_ERROR,
                    "deflate failed (\(result))"
                )
                if result == Z_STREAM_END { return true }
                if written == output.count { return false }
            }
        }
        return output.trimmingSlack()
    }

    /// Compresses `input` into one gzip member; see `compress(_:level:)` for the level.
    public static func compress(_ input: [UInt8], level: Int = 6) -> [UInt8] {
        input.withUnsafeBytes { compress($0, level: level) }
    }

    /// Restores gzip data, never producing more than `maxBytes`. Concatenated members are joined,
    /// as `gzip -d` does; anything after the last member that is not another member is an error.
    public static func decompress(_ input: UnsafeRawBufferPointer, maxBytes: Int) throws(CompressionError) -> [UInt8] {
        precondition(maxBytes >= 0 && maxBytes < .max, "maxBytes must be in 0..<Int.max")
        guard let base = input.baseAddress?.assumingMemoryBound(to: Bytef.self), !input.isEmpty else {
            throw CompressionError(.truncated, "gzip: no input")
        }
        var stream = z_stream()
        switch CZlib_inflateInit2(&stream, gzipWindowBits) {
        case Z_OK: break
        case Z_MEM_ERROR: throw CompressionError(.outOfMemory, "gzip: zlib could not allocate its state")
        case let status: preconditionFailure("inflateInit2 failed (\(status))")
        }
        defer { inflateEnd(&stream) }

        // The trailer's last four bytes are the (last member's) size mod 2^32: a good first guess
        // for honest input, and harmless for a lie because growth is still checked.
        let claimed =
            input.count >= 18
            ? Int(input.loadUnaligned(fromByteOffset: input.count - 4, as: UInt32.self).littleEndian) : 0
        var consumed = 0
        // One byte over the limit is how a stream of exactly maxBytes is told from a longer one.
        let output = try fill(capacity: min(maxBytes + 1, max(claimed + 1, 256)), limit: maxBytes + 1) {
            (output, written) throws(CompressionError) in
            while true {
                stream.next_in = base + consumed
                stream.avail_in = uInt(min(chunk, input.count - consumed))
                stream.next_out = output.baseAddress! + written
                stream.avail_out = uInt(min(chunk, output.count - written))
                let before = (stream.avail_in, stream.avail_out)
                let result = inflate(&stream, Z_NO_FLUSH)
                consumed += Int(before.0 - stream.avail_in)
                written += Int(before.1 - stream.avail_out)
                switch result {
                case Z_STREAM_END:
                    if consumed == input.count { return true }
                    // Another member follows (or trailing bytes, which the next inflate rejects).
                    inflateReset(&stream)
                case Z_OK, Z_BUF_ERROR:
                    if written == output.count { return false }  // full: grow and go on
                    // Room left in the output, so inflate stopped for want of input.
                    if consumed == input.count {
                        throw CompressionError(
                            .truncated,
                            "gzip: the data ends before the stream does (\(input.count) bytes)"
                        )
                    }
                    // zlib as documented never stalls with input and room; a guard against spinning.
                    guard before != (stream.avail_in, stream.avail_out) else {
                        throw CompressionError(.corrupt, "gzip: zlib made no progress at input byte \(consumed)")
                    }
                case Z_MEM_ERROR:
                    throw CompressionError(.outOfMemory, "gzip: zlib ran out of memory")
                case Z_NEED_DICT:
                    throw CompressionError(
                        .corrupt,
                        "gzip: the stream wants a preset dictionary, which gzip never uses"
                    )
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "the stream is damaged"
                    throw CompressionError(.corrupt, "gzip: \(reason) at input byte \(consumed)")
                }
            }
        }
        guard output.count <= maxBytes else {
            throw CompressionError(.tooLarge, "gzip: the data expands to more than the \(maxBytes) bytes allowed")
        }
        return output
    }

    /// Restores gzip data, never producing more than `maxBytes`; see `decompress(_:maxBytes:)`.
    public static func decompress(_ input: [UInt8], maxBytes: Int) throws(CompressionError) -> [UInt8] {
        // Array.withUnsafeBytes rethrows untyped errors; a Result carries the typed one across.
        try input.withUnsafeBytes { input in
            Result { () throws(CompressionError) in try decompress(input, maxBytes: maxBytes) }
        }
        .get()
    }

    /// Lets zlib write into uninitialised array storage. `step` writes from `written` on and
    /// returns true when the stream is done or false when the buffer is full; a full buffer is
    /// replaced by one twice the size (up to `limit`) holding a copy of what was written, which
    /// is what Array itself does when it grows. Full at `limit` means the output would be larger:
    /// the caller sees an array of `limit` bytes.
    private static func fill<Failure: Error>(
        capacity: Int,
        limit: Int,
        _ step: (UnsafeMutableBufferPointer<Bytef>, inout Int) throws(Failure) -> Bool
    ) throws(Failure) -> [UInt8] {
        var output: [UInt8] = []
        var capacity = capacity
        while true {
            var done = false
            var failure: Failure?
            output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                initialized = output.withUnsafeBufferPointer { buffer.initialize(fromContentsOf: $0) }
                do throws(Failure) { done = try step(buffer, &initialized) } catch { failure = error }
            }
            if let failure { throw failure }
            if done || output.count >= limit { return output }
            capacity = capacity > limit / 2 ? limit : capacity * 2
        }
    }
}
