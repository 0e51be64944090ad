/// Pulls questions and records out of one DNS message, in order, without building arrays.
///
/// Shared by passive capture (which wants question names and answer addresses at line rate) and
/// the active DNS probe. Usage:
///
/// ```swift
/// var reader = try DNSMessageReader(bytes)
/// while let question = try reader.nextQuestion() { ... }
/// while let record = try reader.nextRecord() { ... }   // answers, then authority, additional
/// ```
///
/// Counts in the header are upper bounds, not promises: each step checks the bytes, so a forged
/// count ends in ``DNSFailure/truncated`` as soon as the message runs out. Reading stops at the
/// first failure (later calls repeat it), since nothing after a bad record can be located.
public struct DNSMessageReader {
    /// The message being read.
    public let message: UnsafeRawBufferPointer
    public let header: DNSHeader

    private var offset = 12
    private var questionsLeft: Int
    private var answersLeft: Int
    private var authorityLeft: Int
    private var additionalLeft: Int
    private var failure: DNSFailure?

    /// Reads the header; fails only if the message is shorter than 12 bytes.
    public init(_ message: UnsafeRawBufferPointer) throws(DNSFailure) {
        var reader = ByteReader(message)
        guard let id = reader.readUInt16(),
            let flags = reader.readUInt16(),
            let questions = reader.readUInt16(),
            let answers = reader.readUInt16(),
            let authority = reader.readUInt16(),
            let additional = reader.readUInt16()
        else { throw .truncated }
        self.message = message
        header = DNSHeader(
            id: id,
            flags: flags,
            questionCount: questions,
            answerCount: answers,
            authorityCount: authority,
            additionalCount: additional
        )
        questionsLeft = Int(questions)
        answersLeft = Int(answers)
        authorityLeft = Int(authority)
        additionalLeft = Int(additional)
    }

    /// The next question, or `nil` once the question section is done.
    public mutating func nextQuestion() throws(DNSFailure) -> DNSQuestion? {
        if let failure { throw failure }
        guard questionsLeft > 0 else { return nil }
        do throws(DNSFailure) {
            var reader = ByteReader(message, offset: try DNSNameDecoder.skip(message, at: offset))
            guard let type = reader.readUInt16(), let recordClass = reader.readUInt16() else { throw .truncated }
            let question = DNSQuestion(
                name: DNSNameReference(message: message, offset: offset),
                type: DNSRecordType(rawValue: type),
                recordClass: recordClass
            )
            offset = reader.offset
            questionsLeft -= 1
            return question
        } catch {
            failure = error
            throw error
        }
    }

    /// The next resource record (answer, then authority, then additional), or `nil` at the end.
    /// Questions not yet read are stepped over.
    public mutating func nextRecord() throws(DNSFailure) -> DNSResourceRecord? {
        if let failure { throw failure }
        do throws(DNSFailure) {
            while questionsLeft > 0 {
                offset = try DNSNameDecoder.skip(message, at: offset)
                guard offset + 4 <= message.count else { throw .truncated }
                offset += 4
                questionsLeft -= 1
            }
            let section: DNSSection
            if answersLeft > 0 {
                section = .answer
                answersLeft -= 1
            } else if authorityLeft > 0 {
                section = .authority
                authorityLeft -= 1
            } else if additionalLeft > 0 {
                section = .additional
                additionalLeft -= 1
            } else {
                return nil
            }
            return try readRecord(section)
        } catch {
            failure = error
            throw error
        }
    }

    private mutating func readRecord(_ section: DNSSection) throws(DNSFailure) -> DNSResourceRecord {
        let name = DNSNameReference(message: message, offset: offset)
        var reader = ByteReader(message, offset: try DNSNameDecoder.skip(message, at: offset))
        guard let rawType = reader.readUInt16(),
            let recordClass = reader.readUInt16(),
            let ttl = reader.readUInt32(),
            let length = reader.readUInt16()
        else { throw .truncated }
        let start = reader.offset
        guard let rawData = reader.readSlice(Int(length)) else { throw .truncated }
        let range = start..<reader.offset
        let type = DNSRecordType(rawValue: rawType)

        let data: DNSResourceRecord.Data
        switch type {
        case .a:
            guard let address = IPAddress(bytes: rawData), rawData.count == 4 else { throw .badRecordData }
            data = .a(address)
        case .aaaa:
            guard let address = IPAddress(bytes: rawData), rawData.count == 16 else { throw .badRecordData }
            data = .aaaa(address)
        case .cname:
            let end: Int
            do throws(DNSFailure) {
                end = try DNSNameDecoder.skip(message, at: range.lowerBound)
            } catch .truncated {
                throw .badRecordData
            }
            guard end == range.upperBound else { throw .badRecordData }
            data = .cname(DNSNameReference(message: message, offset: range.lowerBound))
        case .svcb, .https:
            data = .serviceBinding(try SVCBRecord.decode(message, range))
        default:
            data = .other
        }
        offset = range.upperBound
        return DNSResourceRecord(
            section: section,
            name: name,
            type: type,
            recordClass: recordClass,
            ttl: ttl,
            data: data,
            rawData: rawData
        )
    }
}
