import Foundation
import NetwardenProtocols
import NetwardenTestSupport
import Testing

/// Hand-run timings for the per-flow decoders (not a CI gate: machines differ). Run with
/// `NETWARDEN_TIMING=1 swift test -c release --filter ParserTimingTests`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["NETWARDEN_TIMING"] != nil))
struct ParserTimingTests {
    private func time(_ label: String, iterations: Int, bytes: Int, _ body: () -> Void) {
        let clock = ContinuousClock()
        for _ in 0..<iterations / 10 { body() }  // warm-up
        let elapsed = clock.measure {
            for _ in 0..<iterations { body() }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let perCall = seconds / Double(iterations)
        print(
            "\(label): \(Int(perCall * 1e9)) ns/call, \(Int(1 / perCall)) calls/s, "
                + "\(Int(Double(bytes) / perCall / 1e6)) MB/s"
        )
    }

    @Test func clientHelloAndInitialDecoding() {
        var builder = TLSClientHelloBuilder(serverName: "timing.example.com", alpn: ["h2", "http/1.1"])
        builder.keyShareLength = 1216
        let records = builder.records()
        var sink = 0
        records.withUnsafeBytes { raw in
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 16_384, alignment: 8)
            defer { scratch.deallocate() }
            time("ClientHello parse (\(records.count) B, one record)", iterations: 200_000, bytes: records.count) {
                if case .clientHello(let hello) = TLSClientHello.parse(records: raw, scratch: scratch) {
                    sink &+= hello.extensionCount
                }
            }
        }
        let segments = [records[0..<600], records[600..<1200], records[1200...]].map { Array($0) }
        let reassembler = TLSStreamReassembler()
        time("TCP reassembly, 3 segments 3,1,2 + parse", iterations: 100_000, bytes: records.count) {
            reassembler.reset(streamStart: 1)
            for index in [2, 0, 1] {
                _ = segments[index].withUnsafeBytes {
                    reassembler.ingest(sequence: 1 &+ UInt32(index * 600), payload: $0)
                }
            }
        }
        let dcid: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        let packets = QUICInitialBuilder(version: .v1, dcid: dcid).packets(
            carrying: builder.handshakeMessage(),
            chunkSize: 1100
        )
        let quic = QUICInitialReassembler()
        time(
            "QUIC 2 Initials reordered, incl. one key derivation, + parse",
            iterations: 20_000,
            bytes: packets.count * 1200
        ) {
            quic.reset()
            for packet in packets.reversed() {
                _ = packet.withUnsafeBytes { quic.ingest(datagram: $0) }
            }
        }
        let keys = dcid.withUnsafeBytes { QUICInitialKeys(version: .v1, originalDCID: $0) }
        var headerScratch: [UInt8] = []
        var plaintextScratch: [UInt8] = []
        packets[0].withUnsafeBytes { raw in
            guard let header = QUICLongHeader.parse(raw) else { return }
            time("QUIC open one 1200 B Initial, cached keys", iterations: 100_000, bytes: raw.count) {
                let opened = QUICInitialPacket.open(
                    raw,
                    header: header,
                    keys: keys,
                    largestPacketNumber: -1,
                    headerScratch: &headerScratch,
                    plaintextScratch: &plaintextScratch
                ) { _, plaintext in plaintext.count }
                if case .success(let count) = opened { sink &+= count }
            }
        }
        time("QUIC key derivation alone", iterations: 50_000, bytes: 0) {
            let keys = dcid.withUnsafeBytes { QUICInitialKeys(version: .v1, originalDCID: $0) }
            sink &+= keys.iv.count
        }
        #expect(sink > 0)
    }
}
