import NetwardenProtocols
import NetwardenTestSupport
import Testing

@Suite struct NetlinkMessageTests {
    @Test func splitsADatagramIntoAlignedMessages() throws {
        var builder = NetlinkMessageBuilder()
        // 21 bytes, padded to 24.
        builder.message(type: 0x1c, flags: 0x02, sequence: 7, portID: 0) { $0.raw([1, 2, 3, 4, 5]) }
        builder.message(type: 0x1c, flags: 0x02, sequence: 7, portID: 0) { $0.raw([9, 9, 9, 9]) }
        builder.done(sequence: 7)
        #expect(builder.bytes.count == 24 + 20 + 20)
        try builder.bytes.withUnsafeBytes { raw in
            var reader = NetlinkMessageReader(raw)
            let first = try unwrap(reader.next())
            #expect(first.header == NetlinkMessageHeader(length: 21, type: 0x1c, flags: .multi, sequence: 7, portID: 0))
            #expect(Array(first.payload) == [1, 2, 3, 4, 5])
            let second = try unwrap(reader.next())
            #expect(second.offset == 24 && Array(second.payload) == [9, 9, 9, 9])
            let done = try unwrap(reader.next())
            #expect(done.header.type == NetlinkMessageType.done)
            #expect(reader.next() == nil && reader.error == nil)
        }
    }

    @Test func everyTruncatedPrefixStopsWithAnErrorOrAtABoundary() {
        let dump = NL80211Fixtures.accessPointStationDump(sequence: 5)
        var boundaries: Set<Int> = [0]
        dump.withUnsafeBytes { raw in
            var reader = NetlinkMessageReader(raw)
            while let message = reader.next() {
                boundaries.insert(message.offset + NetlinkMessageHeader.aligned(Int(message.header.length)))
            }
        }
        for length in 0..<dump.count {
            Array(dump[..<length]).withUnsafeBytes { raw in
                var reader = NetlinkMessageReader(raw)
                var messages = 0
                while reader.next() != nil { messages += 1 }
                if boundaries.contains(length) {
                    #expect(reader.error == nil, "prefix \(length) ends on a message boundary")
                } else {
                    #expect(reader.error != nil, "prefix \(length) cuts a message")
                }
                // The collector and decoders see the same prefix without trapping.
                var collector = NetlinkReplyCollector(sequence: 5, expectation: .dump)
                _ = try? collector.feed(raw) { message throws(NetlinkError) in _ = try NL80211Station.decode(message) }
            }
        }
    }

    @Test func lengthsBelowTheHeaderOrPastTheEndAreReported() {
        var short = NetlinkMessageBuilder()
        short.raw(NetlinkMessageBuilder.le(UInt32(8)) + [0x10, 0, 0, 0] + [UInt8](repeating: 0, count: 8))
        short.bytes.withUnsafeBytes { raw in
            var reader = NetlinkMessageReader(raw)
            #expect(reader.next() == nil)
            #expect(reader.error?.code == .badLength && reader.error?.offset == 0)
        }
        var long = NetlinkMessageBuilder()
        long.done(sequence: 1)
        long.raw(NetlinkMessageBuilder.le(UInt32(4096)) + [UInt8](repeating: 0, count: 12))
        long.bytes.withUnsafeBytes { raw in
            var reader = NetlinkMessageReader(raw)
            #expect(reader.next() != nil)
            #expect(reader.next() == nil)
            #expect(reader.error?.code == .badLength && reader.error?.offset == 20)
        }
    }

    @Test func decodesAcksErrorsAndExtendedAckText() throws {
        var builder = NetlinkMessageBuilder()
        builder.error(sequence: 3, errno: 0)
        builder.error(sequence: 4, errno: 2, extendedAck: "Unknown family")
        try builder.bytes.withUnsafeBytes { raw in
            var reader = NetlinkMessageReader(raw)
            let ack = try NetlinkErrorMessage.decode(try unwrap(reader.next()))
            #expect(ack.error == 0 && ack.request.sequence == 3 && ack.kernelMessage == nil)
            let refusal = try NetlinkErrorMessage.decode(try unwrap(reader.next()))
            #expect(refusal.error == -2 && refusal.request.sequence == 4 && refusal.kernelMessage == "Unknown family")
        }
    }

    @Test func aTruncatedErrorBodyIsAnErrorNotACrash() throws {
        var builder = NetlinkMessageBuilder()
        builder.message(type: NetlinkMessageType.error, flags: 0, sequence: 1) {
            $0.raw([0xfe, 0xff, 0xff, 0xff, 1, 2])
        }
        try builder.bytes.withUnsafeBytes { raw in
            var reader = NetlinkMessageReader(raw)
            let message = try unwrap(reader.next())
            #expect(throws: NetlinkError.self) { try NetlinkErrorMessage.decode(message) }
        }
    }
}
