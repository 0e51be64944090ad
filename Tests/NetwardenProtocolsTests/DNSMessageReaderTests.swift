import NetwardenProtocols
import NetwardenTestSupport
import Testing

/// A record's decoded content, copied out of the message buffer.
private struct Seen: Equatable {
    var section: DNSSection
    var name: String
    var type: DNSRecordType
    var value: String
}

/// Reads the whole message; returns the question names, the records and the failure, if any.
private func read(_ bytes: [UInt8]) -> (header: DNSHeader?, questions: [String], records: [Seen], failure: DNSFailure?)
{
    bytes.withUnsafeBytes { raw in
        var questions: [String] = []
        var records: [Seen] = []
        var header: DNSHeader?
        do throws(DNSFailure) {
            var reader = try DNSMessageReader(raw)
            header = reader.header
            while let question = try reader.nextQuestion() {
                questions.append("\(question.name) \(question.type)")
            }
            while let record = try reader.nextRecord() {
                let value: String
                switch record.data {
                case .a(let address), .aaaa(let address): value = address.description
                case .cname(let target): value = target.description
                case .serviceBinding(let svcb):
                    value =
                        "\(svcb.priority) \(svcb.target) alpn=\(svcb.alpn?.identifiers ?? []) ech=\(svcb.hasECH)"
                        + " h3=\(svcb.alpn?.contains("h3") ?? false) port=\(svcb.port.map(String.init) ?? "-")"
                case .other: value = "\(record.rawData.count) bytes"
                }
                records.append(
                    Seen(section: record.section, name: record.name.description, type: record.type, value: value)
                )
            }
            return (header, questions, records, nil)
        } catch {
            return (header, questions, records, error)
        }
    }
}

/// www.Example.com A, answered through a CNAME to cdn.example.net with A, AAAA, HTTPS, a TXT to
/// skip, and an authority record; all names after the question are compressed.
private func fullResponse(flags: UInt16 = 0x8180) -> [UInt8] {
    var message = DNSWireBuilder(flags: flags, questions: 1, answers: 5, authority: 1)
    let question = message.offset
    message.question("www.Example.com", type: .a)
    let cnameData = message.offset + 12  // owner pointer (2) + type/class/ttl/len (10)
    message.record(
        owner: question,
        type: .cname,
        data: [3] + Array("cdn".utf8) + [7] + Array("example".utf8) + [3] + Array("net".utf8) + [0]
    )
    message.record(owner: cnameData, type: .a, data: [192, 0, 2, 1])
    message.record(
        owner: cnameData,
        type: .aaaa,
        data: [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1]
    )
    message.record(
        owner: cnameData,
        type: .https,
        data: DNSWireBuilder.serviceBindingData(
            priority: 1,
            target: ".",
            parameters: [(1, DNSWireBuilder.alpnValue(["h2", "h3"])), (3, [0x01, 0xbb]), (5, [0, 4, 1, 2, 3, 4])]
        )
    )
    message.record(owner: question, type: .txt, data: [5] + Array("hello".utf8))
    message.record(owner: question + 4, type: .ns, data: [2] + Array("ns".utf8) + [0xc0, UInt8(question + 4)])
    return message.bytes
}

@Suite struct DNSMessageReaderTests {
    @Test func readsQuestionsAndAnswersOfEveryDecodedType() {
        let result = read(fullResponse())
        #expect(result.failure == nil)
        #expect(result.header?.id == 0xbeef)
        #expect(result.header?.isResponse == true)
        #expect(result.header?.recursionAvailable == true)
        #expect(result.header?.responseCode == .noError)
        #expect(result.questions == ["www.example.com A"])
        #expect(
            result.records == [
                Seen(section: .answer, name: "www.example.com", type: .cname, value: "cdn.example.net"),
                Seen(section: .answer, name: "cdn.example.net", type: .a, value: "192.0.2.1"),
                Seen(section: .answer, name: "cdn.example.net", type: .aaaa, value: "2001:db8::1"),
                Seen(
                    section: .answer,
                    name: "cdn.example.net",
                    type: .https,
                    value: "1  alpn=[\"h2\", \"h3\"] ech=true h3=true port=443"
                ),
                Seen(section: .answer, name: "www.example.com", type: .txt, value: "6 bytes"),
                Seen(section: .authority, name: "example.com", type: .ns, value: "5 bytes"),
            ]
        )
    }

    @Test func recordsCanBeReadWithoutVisitingQuestions() throws {
        try fullResponse().withUnsafeBytes { raw in
            var reader = try DNSMessageReader(raw)
            let first = try reader.nextRecord()
            #expect(first?.type == .cname)
        }
    }

    @Test func truncationBitIsSurfaced() {
        #expect(read(fullResponse(flags: 0x8380)).header?.isTruncated == true)
        #expect(read(fullResponse()).header?.isTruncated == false)
    }

    @Test func responseCodesHaveTheirNames() {
        let names = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"]
        for (code, name) in names.enumerated() {
            var message = DNSWireBuilder(flags: 0x8180 | UInt16(code), questions: 1)
            message.question("blocked.example", type: .a)
            #expect(read(message.bytes).header?.responseCode.name == name)
        }
        #expect(DNSResponseCode(rawValue: 11).name == "RCODE11")
        #expect(DNSResponseCode.nameError.description == "NXDOMAIN")
    }

    @Test func everyPrefixOfAValidMessageFailsAsTruncated() {
        let message = fullResponse()
        for length in 0..<message.count {
            #expect(read(Array(message.prefix(length))).failure == .truncated, "prefix \(length)")
        }
    }

    @Test func forgedCountsStopWhenTheBytesRunOut() {
        var message = DNSWireBuilder(questions: 1, answers: 65535, authority: 65535, additional: 65535)
        message.question("a.example", type: .a)
        message.record(owner: 12, type: .a, data: [192, 0, 2, 7])
        let result = read(message.bytes + Array(repeating: 0, count: 3))
        #expect(result.records.count == 1)
        #expect(result.failure == .truncated)
    }

    @Test func forwardPointersAreRejected() {
        var message = DNSWireBuilder(questions: 1)
        message.pointer(to: 20)
        message.append([0, 1, 0, 1])
        message.append([1, 0x61, 0])
        #expect(read(message.bytes).failure == .forwardPointer)

        var selfPointer = DNSWireBuilder(questions: 1)
        selfPointer.pointer(to: 12)
        #expect(read(selfPointer.bytes).failure == .forwardPointer)
    }

    @Test func pointerLoopsAreRejected() {
        // "a" then a pointer back to the start of the same name.
        var loop = DNSWireBuilder(questions: 1)
        loop.name("a", terminated: false)
        loop.pointer(to: 12)
        loop.append([0, 1, 0, 1])
        #expect(read(loop.bytes).failure == .pointerLoop)

        // A record name pointing at that pointer: a two-step loop.
        var twoStep = DNSWireBuilder(questions: 0, answers: 1)
        twoStep.name("a", terminated: false)
        twoStep.pointer(to: 12)
        twoStep.record(owner: 14, type: .a, data: [1, 2, 3, 4])
        #expect(read(twoStep.bytes).failure == .pointerLoop)
    }

    @Test func pointerChainsAreCappedAtSixteenHops() {
        // Record k's owner points at record k-1's owner, so its name takes k pointer hops.
        func chain(records: Int) -> [UInt8] {
            var message = DNSWireBuilder(questions: 0, answers: UInt16(records))
            var previous = message.offset
            message.name("a")
            message.recordBody(type: .a, data: [1, 2, 3, 4])
            for _ in 1..<records {
                let here = message.offset
                message.record(owner: previous, type: .a, data: [1, 2, 3, 4])
                previous = here
            }
            return message.bytes
        }
        let sixteen = read(chain(records: 17))
        #expect(sixteen.failure == nil)
        #expect(sixteen.records.last?.name == "a")
        let seventeen = read(chain(records: 18))
        #expect(seventeen.failure == .pointerLoop)
        #expect(seventeen.records.count == 17)
    }

    @Test func namesAreCappedAt255WireBytes() {
        let label63 = String(repeating: "x", count: 63)
        let longest = [label63, label63, label63, String(repeating: "y", count: 61)].joined(separator: ".")
        var ok = DNSWireBuilder(questions: 1)
        ok.question(longest)
        #expect(read(ok.bytes).questions == ["\(longest) A"])
        #expect(longest.utf8.count == DomainName.capacity)

        var tooLong = DNSWireBuilder(questions: 1)
        tooLong.question(longest + "y")
        #expect(read(tooLong.bytes).failure == .nameTooLong)

        // Also when the length is reached through a pointer.
        var viaPointer = DNSWireBuilder(questions: 1, answers: 1)
        viaPointer.question(longest)
        viaPointer.name("abc", terminated: false)
        viaPointer.pointer(to: 12)
        viaPointer.recordBody(type: .a, data: [1, 2, 3, 4])
        #expect(read(viaPointer.bytes).failure == .nameTooLong)
    }

    @Test func oddLabelsAreRejected() {
        var extended = DNSWireBuilder(questions: 1)
        extended.append([0x41, 0x00, 0, 1, 0, 1])
        #expect(read(extended.bytes).failure == .badLabelType)
        var dotted = DNSWireBuilder(questions: 1)
        dotted.append([3, 0x61, 0x2e, 0x62, 0, 0, 1, 0, 1])
        #expect(read(dotted.bytes).failure == .badLabelCharacter)
    }

    @Test func badRecordDataIsTyped() {
        var shortA = DNSWireBuilder(questions: 0, answers: 1)
        shortA.name("a")
        shortA.recordBody(type: .a, data: [1, 2, 3])
        #expect(read(shortA.bytes).failure == .badRecordData)

        var cnameOverrun = DNSWireBuilder(questions: 0, answers: 1)
        cnameOverrun.name("a")
        cnameOverrun.recordBody(type: .cname, data: [3, 0x61, 0x62])
        #expect(read(cnameOverrun.bytes + [0x63, 0]).failure == .badRecordData)

        var unordered = DNSWireBuilder(questions: 0, answers: 1)
        unordered.name("a")
        unordered.recordBody(
            type: .https,
            data: DNSWireBuilder.serviceBindingData(
                priority: 1,
                target: "",
                parameters: [(5, [1]), (1, [2, 0x68, 0x32])]
            )
        )
        #expect(read(unordered.bytes).failure == .badServiceParameters)

        var badALPN = DNSWireBuilder(questions: 0, answers: 1)
        badALPN.name("a")
        badALPN.recordBody(
            type: .svcb,
            data: DNSWireBuilder.serviceBindingData(priority: 1, target: "", parameters: [(1, [5, 0x68])])
        )
        #expect(read(badALPN.bytes).failure == .badServiceParameters)
    }

    @Test func aliasModeHTTPSRecordHasATargetAndNoECH() {
        var message = DNSWireBuilder(questions: 0, answers: 1)
        message.name("example.com")
        message.recordBody(
            type: .https,
            data: DNSWireBuilder.serviceBindingData(priority: 0, target: "svc.example.net", parameters: [])
        )
        #expect(read(message.bytes).records.first?.value == "0 svc.example.net alpn=[] ech=false h3=false port=-")
    }

    @Test func randomMutationsNeverCrash() {
        var generator = SeededGenerator(seed: 0xd115_0002)
        let seed = fullResponse()
        var completed = 0
        for _ in 0..<5000 {
            var message = seed
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                message[Int.random(in: 0..<message.count, using: &generator)] = UInt8.random(
                    in: 0...255,
                    using: &generator
                )
            }
            if Int.random(in: 0..<4, using: &generator) == 0 {
                message = Array(message.prefix(Int.random(in: 0...message.count, using: &generator)))
            }
            if read(message).failure == nil { completed += 1 }
        }
        #expect(completed > 0)
    }
}

@Suite struct DNSQueryTests {
    @Test func encodesAQueryTheReaderUnderstands() throws {
        var bytes: [UInt8] = []
        try DNSQuery.encode(id: 0x1234, name: "Www.Example.com.", type: .https, into: &bytes)
        #expect(
            bytes
                == [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 3, 0x57, 0x77, 0x77, 7]
                + Array("Example".utf8) + [3] + Array("com".utf8) + [0, 0, 65, 0, 1]
        )
        let result = read(bytes)
        #expect(result.header?.recursionDesired == true)
        #expect(result.header?.isResponse == false)
        #expect(result.questions == ["www.example.com HTTPS"])

        var root: [UInt8] = []
        try DNSQuery.encode(id: 1, name: ".", type: .ns, recursionDesired: false, into: &root)
        #expect(root == [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1])
    }

    @Test func rejectsNamesItCannotSend() {
        func code(_ name: String) -> DNSQueryError.Code? {
            var bytes: [UInt8] = []
            do throws(DNSQueryError) {
                try DNSQuery.encode(id: 1, name: name, type: .a, into: &bytes)
                return nil
            } catch {
                return error.code
            }
        }
        #expect(code("a..example") == .emptyLabel)
        #expect(code(".example") == .emptyLabel)
        #expect(code("") == .emptyLabel)
        #expect(code(String(repeating: "a", count: 64) + ".com") == .labelTooLong)
        #expect(
            code(Array(repeating: String(repeating: "a", count: 63), count: 4).joined(separator: ".")) == .nameTooLong
        )
        #expect(code("bad name.example") == .invalidCharacter)
        #expect(code("bücher.example") == .invalidCharacter)
        #expect(code("_dns.resolver.arpa") == nil)
    }
}

@Suite struct DNSTCPFramingTests {
    @Test func splitsMessagesAcrossAndWithinSegments() {
        var first: [UInt8] = []
        var second: [UInt8] = []
        try? DNSQuery.encode(id: 1, name: "one.example", type: .a, into: &first)
        try? DNSQuery.encode(id: 2, name: "two.example", type: .aaaa, into: &second)
        let stream = DNSTCPFraming.framed(first)! + DNSTCPFraming.framed(second)!

        // Feed it byte by byte into a buffer the way the passive engine would.
        var buffer: [UInt8] = []
        var ids: [UInt16] = []
        for byte in stream {
            buffer.append(byte)
            while true {
                let consumed: Int? = buffer.withUnsafeBytes { raw in
                    switch DNSTCPFraming.next(in: raw) {
                    case .message(let message, let consumed):
                        ids.append((try? DNSMessageReader(message))?.header.id ?? 0)
                        return consumed
                    case .needMoreData(let needed):
                        #expect(needed > raw.count)
                        return nil
                    case .invalid:
                        Issue.record("valid stream rejected")
                        return nil
                    }
                }
                guard let consumed else { break }
                buffer.removeFirst(consumed)
            }
        }
        #expect(ids == [1, 2])
        #expect(buffer.isEmpty)
    }

    @Test func tooShortLengthIsInvalid() {
        let result = [UInt8]([0, 5, 1, 2, 3, 4, 5]).withUnsafeBytes { raw -> Bool in
            if case .invalid = DNSTCPFraming.next(in: raw) { return true }
            return false
        }
        #expect(result)
    }
}
