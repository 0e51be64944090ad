import Glibc

/// What a lab DNS query got back.
public struct LabDNSResponse: Sendable {
    /// One answer record, decoded for the types tests use.
    public struct Answer: Sendable, Equatable {
        public var type: UInt16
        public var ttl: UInt32
        /// A/AAAA: the address text; TXT: the strings concatenated; CNAME: the target name;
        /// other types: the rdata in hex.
        public var value: String
    }

    public var responseCode: Int
    /// TC: the answer did not fit (UDP without EDNS is limited to 512 bytes).
    public var isTruncated: Bool
    public var isAuthoritative: Bool
    public var answers: [Answer]
    /// The size of the response message in bytes.
    public var size: Int

    /// A and AAAA answers as text.
    public var addresses: [String] {
        answers.filter { $0.type == LabDNSClient.RecordType.a || $0.type == LabDNSClient.RecordType.aaaa }.map(\.value)
    }
}

/// A minimal DNS stub client (UDP or TCP, one question, no EDNS) for checking lab servers from
/// inside a namespace. Deliberately independent of netwarden's own DNS code, so a test that
/// checks a probe against it is not checking the code against itself; and no dependency on dig
/// (bind9-dnsutils) or python on CI.
public enum LabDNSClient {
    /// Record type numbers the lab uses.
    public enum RecordType {
        public static let a: UInt16 = 1
        public static let cname: UInt16 = 5
        public static let txt: UInt16 = 16
        public static let aaaa: UInt16 = 28
    }

    /// Sends one query and decodes the response. Blocking: call it inside `Lab.withNamespace`.
    public static func query(
        server: String,
        port: UInt16 = 53,
        name: String,
        type: UInt16,
        overTCP: Bool = false,
        timeout: Duration = .seconds(3)
    ) throws(LabError) -> LabDNSResponse {
        let id = UInt16.random(in: 0...UInt16.max)
        var message: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xff), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        for label in name.split(separator: ".") {
            let bytes = Array(label.utf8)
            guard !bytes.isEmpty, bytes.count < 64 else {
                throw LabError(code: .clientFailed, message: "bad DNS name: \(name)")
            }
            message.append(UInt8(bytes.count))
            message += bytes
        }
        message += [0, UInt8(type >> 8), UInt8(type & 0xff), 0, 1]

        let socketType = Int32(overTCP ? SOCK_STREAM.rawValue : SOCK_DGRAM.rawValue)
        let socket = try LabSocket(connectingTo: server, port: port, type: socketType, timeout: timeout)
        var response: [UInt8]
        if overTCP {
            try socket.send([UInt8(message.count >> 8), UInt8(message.count & 0xff)] + message)
            var received: [UInt8] = []
            while received.count < 2 || received.count < 2 + (Int(received[0]) << 8 | Int(received[1])) {
                let chunk = try socket.receive()
                if chunk.isEmpty {
                    throw LabError(code: .clientFailed, message: "DNS over TCP: connection closed early")
                }
                received += chunk
            }
            response = Array(received[2..<(2 + (Int(received[0]) << 8 | Int(received[1])))])
        } else {
            try socket.send(message)
            response = try socket.receive()
        }
        guard response.count >= 12, response[0] == message[0], response[1] == message[1] else {
            throw LabError(code: .clientFailed, message: "DNS response too short or with the wrong id")
        }
        return try decode(response)
    }

    private static func decode(_ bytes: [UInt8]) throws(LabError) -> LabDNSResponse {
        func malformed() -> LabError { LabError(code: .clientFailed, message: "malformed DNS response") }
        func u16(_ at: Int) throws(LabError) -> Int {
            guard at + 2 <= bytes.count else { throw malformed() }
            return Int(bytes[at]) << 8 | Int(bytes[at + 1])
        }
        /// Reads a possibly compressed name; returns it and the offset after it in the record.
        func name(at start: Int) throws(LabError) -> (String, Int) {
            var labels: [String] = []
            var offset = start
            var end: Int? = nil
            var jumps = 0
            while true {
                guard offset < bytes.count else { throw malformed() }
                let length = Int(bytes[offset])
                if length == 0 { return (labels.joined(separator: "."), end ?? offset + 1) }
                if length & 0xc0 == 0xc0 {
                    jumps += 1
                    guard jumps < 32 else { throw malformed() }  // compression loop
                    if end == nil { end = offset + 2 }
                    offset = try u16(offset) & 0x3fff
                    continue
                }
                guard offset + 1 + length <= bytes.count else { throw malformed() }
                labels.append(String(decoding: bytes[(offset + 1)..<(offset + 1 + length)], as: UTF8.self))
                offset += 1 + length
            }
        }

        let flags = try u16(2)
        let questions = try u16(4)
        let answerCount = try u16(6)
        var offset = 12
        for _ in 0..<questions { offset = try name(at: offset).1 + 4 }
        var answers: [LabDNSResponse.Answer] = []
        for _ in 0..<answerCount {
            offset = try name(at: offset).1
            let type = UInt16(try u16(offset))
            let ttl = UInt32(try u16(offset + 4)) << 16 | UInt32(try u16(offset + 6))
            let length = try u16(offset + 8)
            let start = offset + 10
            guard start + length <= bytes.count else { throw malformed() }
            let rdata = Array(bytes[start..<(start + length)])
            var value: String
            switch type {
            case RecordType.a where length == 4, RecordType.aaaa where length == 16:
                var text = [CChar](repeating: 0, count: 64)
                _ = inet_ntop(length == 4 ? AF_INET : AF_INET6, rdata, &text, socklen_t(text.count))
                value = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            case RecordType.txt:
                value = ""
                var index = 0
                while index < rdata.count {
                    let count = Int(rdata[index])
                    guard index + 1 + count <= rdata.count else { throw malformed() }
                    value += String(decoding: rdata[(index + 1)..<(index + 1 + count)], as: UTF8.self)
                    index += 1 + count
                }
            case RecordType.cname:
                value = try name(at: start).0
            default:
                value = rdata.map { String($0, radix: 16) }.joined()
            }
            answers.append(.init(type: type, ttl: ttl, value: value))
            offset = start + length
        }
        return LabDNSResponse(
            responseCode: flags & 0xf,
            isTruncated: flags & 0x0200 != 0,
            isAuthoritative: flags & 0x0400 != 0,
            answers: answers,
            size: bytes.count
        )
    }
}

extension Lab {
    /// Sends one DNS query from `host` to `server` and returns the decoded response.
    public func dnsQuery(
        from host: String,
        server: String,
        port: UInt16 = 53,
        name: String,
        type: UInt16 = LabDNSClient.RecordType.a,
        overTCP: Bool = false,
        timeout: Duration = .seconds(3)
    ) async throws -> LabDNSResponse {
        try await withNamespace(host) {
            try LabDNSClient.query(
                server: server,
                port: port,
                name: name,
                type: type,
                overTCP: overTCP,
                timeout: timeout
            )
        }
    }
}
