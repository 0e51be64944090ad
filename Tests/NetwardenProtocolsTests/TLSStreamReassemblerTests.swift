import NetwardenProtocols
import NetwardenTestSupport
import Testing

@Suite struct TLSStreamReassemblerTests {
    /// A Chrome-like hello with a post-quantum key share: about 1.6 KB, three 600-byte segments.
    private let stream: [UInt8] = {
        var builder = TLSClientHelloBuilder(serverName: "pq.example.com", alpn: ["h2", "http/1.1"])
        builder.keyShareLength = 1216
        return builder.records()
    }()

    private func feed(
        _ reassembler: TLSStreamReassembler,
        _ segments: [(offset: Int, bytes: [UInt8])],
        start: UInt32
    ) -> [TLSStreamReassembler.Result] {
        segments.map { segment in
            segment.bytes.withUnsafeBytes {
                reassembler.ingest(sequence: start &+ UInt32(truncatingIfNeeded: segment.offset), payload: $0)
            }
        }
    }

    private func split(_ bytes: [UInt8], at cuts: [Int]) -> [(offset: Int, bytes: [UInt8])] {
        let bounds = [0] + cuts + [bytes.count]
        return (0..<(bounds.count - 1)).map { (bounds[$0], Array(bytes[bounds[$0]..<bounds[$0 + 1]])) }
    }

    private func expectComplete(
        _ result: TLSStreamReassembler.Result?,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard case .complete(let hello) = result else {
            Issue.record("expected complete, got \(String(describing: result))", sourceLocation: sourceLocation)
            return
        }
        #expect(hello.serverName == "pq.example.com", sourceLocation: sourceLocation)
        #expect(hello.alpn == ["h2", "http/1.1"], sourceLocation: sourceLocation)
    }

    @Test func threeSegmentsInOrderAndOutOfOrder() {
        #expect(stream.count > 1300)
        let segments = split(stream, at: [600, 1200])
        let reassembler = TLSStreamReassembler()
        for (order, start) in [([0, 1, 2], UInt32(1000)), ([2, 0, 1], 5), ([1, 2, 0], 0xffff_fd00)] {
            reassembler.reset(streamStart: start)  // the last start wraps past 2^32 mid-hello
            let results = feed(reassembler, order.map { segments[$0] }, start: start)
            #expect(results.dropLast().allSatisfy { $0 == .needMore })
            expectComplete(results.last)
        }
    }

    @Test func byteByByte() {
        let reassembler = TLSStreamReassembler()
        reassembler.reset(streamStart: 77)
        let results = feed(reassembler, stream.indices.map { ($0, [stream[$0]]) }, start: 77)
        #expect(results.dropLast().allSatisfy { $0 == .needMore })
        expectComplete(results.last)
    }

    @Test func randomChunksInRandomOrderWithDuplicatesAndOverlaps() {
        var generator = SeededGenerator(seed: 2024)
        let reassembler = TLSStreamReassembler()
        for _ in 0..<200 {
            var pieces: [(offset: Int, bytes: [UInt8])] = []
            var offset = 0
            while offset < stream.count {
                let length = Int.random(in: 1...400, using: &generator)
                let end = min(stream.count, offset + length)
                pieces.append((offset, Array(stream[offset..<end])))
                // Sometimes also a retransmission that overlaps the neighbours.
                if Int.random(in: 0..<4, using: &generator) == 0 {
                    let from = max(0, offset - 50)
                    let to = min(stream.count, end + 50)
                    pieces.append((from, Array(stream[from..<to])))
                }
                offset = end
            }
            pieces.shuffle(using: &generator)
            let start = UInt32.random(in: 0...UInt32.max, using: &generator)
            reassembler.reset(streamStart: start)
            var last: TLSStreamReassembler.Result = .needMore
            for piece in pieces {
                last = feed(reassembler, [piece], start: start)[0]
            }
            expectComplete(last)
        }
    }

    @Test func helloInManySmallRecordsAcrossSegments() {
        var builder = TLSClientHelloBuilder(serverName: "pq.example.com", alpn: ["h2", "http/1.1"])
        builder.keyShareLength = 1216
        let records = builder.records(maxRecordPayload: 250)
        let reassembler = TLSStreamReassembler()
        reassembler.reset(streamStart: 1)
        let results = feed(reassembler, split(records, at: [1000, 100, 500].sorted()).reversed(), start: 1)
        expectComplete(results.last)
    }

    @Test func withoutTheSYNTheStreamIsAnchoredOnTheHelloRecord() {
        let segments = split(stream, at: [600, 1200])
        let start: UInt32 = 0x1234_5678
        let reassembler = TLSStreamReassembler()
        reassembler.resetWithoutStreamStart()
        expectComplete(feed(reassembler, [segments[0], segments[2], segments[1]], start: start).last)

        // The last piece first is dropped (nothing to anchor on yet) until the client resends it.
        reassembler.resetWithoutStreamStart()
        let results = feed(reassembler, [segments[2], segments[0], segments[1], segments[2]], start: start)
        #expect(results.dropLast().allSatisfy { $0 == .needMore })
        expectComplete(results.last)
        #expect(reassembler.droppedSegments == 1)

        reassembler.resetWithoutStreamStart()
        let noise = (0..<TLSStreamReassembler.maxUnanchoredSegments).map {
            ($0 * 10, [UInt8](repeating: 0x41, count: 10))
        }
        #expect(feed(reassembler, noise, start: start).last == .notTLS)
    }

    @Test func oneByteRecordsAreNotMistakenForAHugeHello() {
        let records = TLSClientHelloBuilder(serverName: "pq.example.com", alpn: ["h2", "http/1.1"])
            .records(maxRecordPayload: 1)
        let reassembler = TLSStreamReassembler()
        reassembler.reset(streamStart: 9)
        let results = feed(reassembler, split(records, at: [20, 700]), start: 9)
        #expect(results.dropLast().allSatisfy { $0 == .needMore })
        expectComplete(results.last)
    }

    @Test func retransmissionBeforeTheStreamStartIsTrimmed() {
        let reassembler = TLSStreamReassembler()
        reassembler.reset(streamStart: 100)
        // A segment claiming to start 10 bytes before the stream (garbage there must be ignored).
        let early = [UInt8](repeating: 0xff, count: 10) + Array(stream[0..<700])
        let results = feed(reassembler, [(-10, early), (700, Array(stream[700...]))], start: 100)
        expectComplete(results.last)
    }

    @Test func terminalResults() {
        let reassembler = TLSStreamReassembler()
        reassembler.reset(streamStart: 0)
        let http = Array("GET / HTTP/1.1\r\n".utf8)
        #expect(feed(reassembler, [(0, http)], start: 0) == [.notTLS])
        #expect(feed(reassembler, [(0, Array(stream[0..<100]))], start: 0) == [.notTLS])  // sticky

        let small = TLSStreamReassembler(capacity: 1024)
        small.reset(streamStart: 0)
        #expect(feed(small, [(0, Array(stream[0..<100]))], start: 0) == [.tooLarge])  // declared size

        var broken = stream
        broken[5 + 4 + 2 + 32] = 200  // session id length > 32
        reassembler.reset(streamStart: 0)
        #expect(feed(reassembler, [(0, broken)], start: 0) == [.malformed])
    }

    @Test func segmentsBeyondCapacityAreDroppedAndCounted() {
        let reassembler = TLSStreamReassembler(capacity: 4096)
        reassembler.reset(streamStart: 0)
        #expect(feed(reassembler, [(9000, [1, 2, 3])], start: 0) == [.needMore])
        #expect(reassembler.droppedSegments == 1)
        expectComplete(feed(reassembler, [(0, stream)], start: 0).last)
    }

    @Test func mutatedStreamsNeverCrash() {
        var generator = SeededGenerator(seed: 99)
        let reassembler = TLSStreamReassembler(capacity: 2048)
        for _ in 0..<2000 {
            var bytes = stream
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let index = Int.random(in: 0..<min(bytes.count, 64), using: &generator)
                bytes[Bool.random(using: &generator) ? index : Int.random(in: 0..<bytes.count, using: &generator)] =
                    UInt8.random(in: 0...255, using: &generator)
            }
            reassembler.reset(streamStart: 0)
            let cut = Int.random(in: 0...bytes.count, using: &generator)
            _ = feed(reassembler, [(cut, Array(bytes[cut...])), (0, Array(bytes[0..<cut]))], start: 0)
        }
    }
}
