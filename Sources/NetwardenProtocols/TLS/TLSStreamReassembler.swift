/// Rebuilds the start of one client→server TCP stream from captured segments until the TLS
/// ClientHello is whole, then parses it.
///
/// Segments may arrive in any order, repeat, or overlap (capture sees retransmissions and
/// reordering, and Chrome's post-quantum key shares spread the hello over two or three segments).
/// Offsets come from TCP sequence numbers relative to the first payload byte (SYN + 1), using
/// 32-bit wrapping arithmetic so streams that start near 2^32 work.
///
/// Allocation story: one reassembler per in-progress flow slot. Its buffer (`capacity`, 16 KiB by
/// default) is allocated once in `init` and reused by `reset(streamStart:)`, so steady-state
/// capture allocates nothing per packet; the capture layer keeps a bounded pool of these and
/// returns one as soon as a terminal result comes back. A hello that spans several TLS records
/// is de-framed in place inside the same buffer, so no second buffer is needed.
///
/// Not thread-safe: the capture loop owns it on one core.
public final class TLSStreamReassembler {
    /// Where the flow's ClientHello stands after a segment.
    public enum Result: Sendable, Equatable {
        /// Keep feeding segments.
        case needMore
        /// The hello is complete. Terminal.
        case complete(TLSClientHello)
        /// The stream does not start with a TLS ClientHello. Terminal.
        case notTLS
        /// The hello does not fit in `capacity`. Terminal.
        case tooLarge
        /// The stream starts like TLS but the hello is broken. Terminal.
        case malformed
    }

    /// Default capacity: the largest hellos seen in practice (post-quantum key shares, many
    /// extensions) are under 8 KiB, so 16 KiB leaves headroom without letting a flow hoard memory.
    public static let defaultCapacity = 16 * 1024

    private var buffer: HandshakeAssemblyBuffer
    private var streamStart: UInt32? = 0
    private var unanchoredSegments = 0
    private var terminal: Result?

    /// Segments dropped because they fell beyond capacity or into too many holes (for a counter).
    public private(set) var droppedSegments = 0

    public init(capacity: Int = TLSStreamReassembler.defaultCapacity) {
        buffer = HandshakeAssemblyBuffer(capacity: capacity)
    }

    /// Starts a new flow whose first payload byte has sequence number `streamStart`
    /// (the SYN's sequence number + 1).
    public func reset(streamStart: UInt32) {
        self.streamStart = streamStart
        buffer.reset()
        terminal = nil
        droppedSegments = 0
        unanchoredSegments = 0
    }

    /// Starts a new flow whose SYN was not captured (capture began mid-handshake, or the SYN was
    /// lost). The stream is anchored on the first segment that begins with a ClientHello record;
    /// segments seen before it are dropped (a reordered later piece is only recovered if the
    /// client retransmits it), and after `maxUnanchoredSegments` non-TLS segments the flow is
    /// declared `.notTLS`.
    public func resetWithoutStreamStart() {
        reset(streamStart: 0)
        streamStart = nil
    }

    /// Segments we wait through for a ClientHello start when the SYN was missed.
    public static let maxUnanchoredSegments = 8

    /// Adds one segment's payload. Once a terminal result is returned, later calls return it again
    /// without touching the data.
    public func ingest(sequence: UInt32, payload: UnsafeRawBufferPointer) -> Result {
        if let terminal { return terminal }
        // Pure ACKs carry nothing and must not count towards the unanchored give-up limit.
        guard !payload.isEmpty else { return .needMore }
        guard let streamStart = streamStart ?? anchor(sequence: sequence, payload: payload) else {
            droppedSegments += 1
            unanchoredSegments += 1
            guard unanchoredSegments >= Self.maxUnanchoredSegments else { return .needMore }
            terminal = .notTLS
            return .notTLS
        }
        // Signed distance from the stream start: retransmissions that begin before it come out
        // negative and are trimmed by the buffer.
        let offset = Int(Int32(bitPattern: sequence &- streamStart))
        let before = buffer.contiguousLength
        switch buffer.insert(payload, at: offset) {
        case .stored: break
        case .beyondCapacity, .tooFragmented: droppedSegments += 1
        }
        guard buffer.contiguousLength > before else { return .needMore }
        let result = evaluate()
        if result != .needMore { terminal = result }
        return result
    }

    /// Adopts `sequence` as the stream start when its payload opens a ClientHello record.
    private func anchor(sequence: UInt32, payload: UnsafeRawBufferPointer) -> UInt32? {
        guard payload.count > TLSRecordLayer.headerLength,
            payload[TLSRecordLayer.headerLength] == TLSClientHello.handshakeType,
            TLSRecordLayer.looksLikeHandshakeStart(payload)
        else { return nil }
        streamStart = sequence
        return sequence
    }

    private func evaluate() -> Result {
        let stream = buffer.contiguous
        switch TLSRecordLayer.scanHandshake(stream, expectedType: TLSClientHello.handshakeType) {
        case .notTLS:
            return .notTLS
        case .malformed:
            return .malformed
        case .needMore:
            return stream.count >= buffer.capacity ? .tooLarge : declaredSizeCheck(stream)
        case .complete:
            // The hello is final once complete, so de-framing in place over our own buffer is safe.
            switch TLSClientHello.parse(records: stream, scratch: buffer.storage) {
            case .clientHello(let hello): return .complete(hello)
            case .notClientHello: return .notTLS
            case .malformed: return .malformed
            case .needMore: return .malformed  // scan said complete; disagreement means bad lengths
            }
        }
    }

    /// Gives up early when the handshake header already declares more than we could ever hold,
    /// instead of buffering 16 KiB of a hello we will refuse anyway. Only looks when the first
    /// record holds the whole 4-byte handshake header (tiny records are left to the full scan).
    private func declaredSizeCheck(_ stream: UnsafeRawBufferPointer) -> Result {
        var reader = ByteReader(stream, offset: 3)
        guard let firstRecordLength = reader.readUInt16(), firstRecordLength >= 4, reader.skip(1),
            let declared = reader.readUInt24()
        else { return .needMore }
        return Int(declared) + 4 + TLSRecordLayer.headerLength > buffer.capacity ? .tooLarge : .needMore
    }
}
