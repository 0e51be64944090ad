import NetwardenProtocols
import NetwardenTestSupport
import Testing

@Suite struct NetlinkReplyCollectorTests {
    /// Splits a buffer at message boundaries, the granularity at which the kernel hands out
    /// datagrams (a message is never split across two).
    private func messageBoundaries(_ bytes: [UInt8]) -> [Int] {
        bytes.withUnsafeBytes { raw in
            var reader = NetlinkMessageReader(raw)
            var ends: [Int] = []
            while let message = reader.next() {
                ends.append(min(raw.count, message.offset + NetlinkMessageHeader.aligned(Int(message.header.length))))
            }
            return ends
        }
    }

    /// Feeds `datagrams` in order; returns the station MACs delivered and the final status.
    private func collect(
        _ datagrams: [[UInt8]],
        sequence: UInt32,
        collector: inout NetlinkReplyCollector
    ) throws
        -> (macs: [[UInt8]], status: NetlinkReplyCollector.Status)
    {
        var macs: [[UInt8]] = []
        var status = NetlinkReplyCollector.Status.needMore
        for datagram in datagrams {
            status = try datagram.withUnsafeBytes { raw throws(NetlinkError) in
                try collector.feed(raw) { message throws(NetlinkError) in
                    macs.append(try NL80211Station.decode(message).mac)
                }
            }
        }
        return (macs, status)
    }

    @Test func aDumpFedWholeOrPerMessageOrInRandomGroupsGivesTheSameResult() throws {
        let dump = NL80211Fixtures.accessPointStationDump(sequence: 42)
        let ends = messageBoundaries(dump)
        var splits: [[[UInt8]]] = [[dump]]
        var start = 0
        splits.append(
            ends.map { end in
                defer { start = end }
                return Array(dump[start..<end])
            }
        )
        var generator = SeededGenerator(seed: 0x5eed)
        for _ in 0..<20 {
            var datagrams: [[UInt8]] = []
            var from = 0
            for end in ends where end == dump.count || generator.next() % 2 == 0 {
                datagrams.append(Array(dump[from..<end]))
                from = end
            }
            splits.append(datagrams)
        }
        for datagrams in splits {
            var collector = NetlinkReplyCollector(sequence: 42, expectation: .dump)
            let (macs, status) = try collect(datagrams, sequence: 42, collector: &collector)
            #expect(status == .complete)
            #expect(macs == NL80211Fixtures.clientMACs)
            #expect(collector.dataMessages == 3 && collector.isComplete)
        }
    }

    @Test func repliesToOtherSequenceNumbersAreIgnored() throws {
        let stale = NL80211Fixtures.uplinkStationDump(sequence: 41)
        let current = NL80211Fixtures.accessPointStationDump(sequence: 42)
        var collector = NetlinkReplyCollector(sequence: 42, expectation: .dump)
        let (macs, status) = try collect([stale, current], sequence: 42, collector: &collector)
        #expect(status == .complete && macs.count == 3)
        #expect(collector.ignoredMessages == 2)
    }

    @Test func aKernelErrorCarriesItsErrnoAndText() {
        var builder = NetlinkMessageBuilder()
        builder.error(sequence: 9, errno: 2, extendedAck: "Unknown family")
        var collector = NetlinkReplyCollector(sequence: 9, expectation: .acknowledged)
        do {
            _ = try collect([builder.bytes], sequence: 9, collector: &collector)
            Issue.record("expected an error")
        } catch let error as NetlinkError {
            #expect(error.code == .kernelError && error.errno == 2 && error.kernelMessage == "Unknown family")
        } catch {
            Issue.record(error)
        }
    }

    @Test func anAcknowledgedRequestCompletesOnTheAck() throws {
        var builder = NetlinkMessageBuilder()
        builder.message(type: 16, flags: 0, sequence: 9) { $0.raw([1, 2, 0, 0]) }
        builder.error(sequence: 9, errno: 0)
        var collector = NetlinkReplyCollector(sequence: 9, expectation: .acknowledged)
        var delivered = 0
        let status = try builder.bytes.withUnsafeBytes { raw throws(NetlinkError) in
            try collector.feed(raw) { _ in delivered += 1 }
        }
        #expect(status == .complete && delivered == 1)
    }

    @Test func aDumpWithoutDoneNeedsMore() throws {
        var builder = NetlinkMessageBuilder()
        builder.message(type: 0x1c, flags: 0x02, sequence: 1) { $0.raw([19, 1, 0, 0]) }
        var collector = NetlinkReplyCollector(sequence: 1, expectation: .dump)
        let status = try builder.bytes.withUnsafeBytes { raw throws(NetlinkError) in try collector.feed(raw) { _ in } }
        #expect(status == .needMore && !collector.isComplete)
    }

    @Test(arguments: [
        ("done-with-error", NetlinkError.Code.kernelError),
        ("overrun", NetlinkError.Code.overrun),
        ("interrupted", NetlinkError.Code.interrupted),
        ("malformed", NetlinkError.Code.badLength),
    ])
    func failuresAreThrownWithTheirCode(name: String, code: NetlinkError.Code) {
        var builder = NetlinkMessageBuilder()
        switch name {
        case "done-with-error": builder.done(sequence: 1, status: -16)
        case "overrun": builder.message(type: NetlinkMessageType.overrun, flags: 0, sequence: 1) { _ in }
        case "interrupted": builder.done(sequence: 1, flags: 0x02 | 0x10)
        default: builder.raw(NetlinkMessageBuilder.le(UInt32(2)) + [UInt8](repeating: 0, count: 14))
        }
        var collector = NetlinkReplyCollector(sequence: 1, expectation: .dump)
        do {
            _ = try builder.bytes.withUnsafeBytes { raw throws(NetlinkError) in try collector.feed(raw) { _ in } }
            Issue.record("\(name): expected \(code)")
        } catch let error as NetlinkError {
            #expect(error.code == code, "\(name)")
            if name == "done-with-error" { #expect(error.errno == 16) }
        } catch {
            Issue.record(error)
        }
    }

    @Test func byteAndMessageCapsStopARunawayDump() {
        let dump = NL80211Fixtures.accessPointStationDump(sequence: 1)
        var small = NetlinkReplyCollector(sequence: 1, expectation: .dump, byteLimit: dump.count - 1)
        #expect(throws: NetlinkError.self) {
            _ = try dump.withUnsafeBytes { raw throws(NetlinkError) in try small.feed(raw) { _ in } }
        }
        var few = NetlinkReplyCollector(sequence: 1, expectation: .dump, messageLimit: 2)
        do {
            _ = try dump.withUnsafeBytes { raw throws(NetlinkError) in try few.feed(raw) { _ in } }
            Issue.record("expected limitExceeded")
        } catch let error as NetlinkError {
            #expect(error.code == .limitExceeded)
        } catch {
            Issue.record(error)
        }
    }
}
