import NetwardenProtocols
import NetwardenTestSupport
import Testing

/// What a parse produced, copied out of the buffer.
private enum Outcome: Equatable {
    case found(method: String, target: String, host: String?, port: UInt16?, targetHost: String?, targetPort: UInt16?)
    case foundInvalidHost
    case needMoreData
    case notHTTP(HTTPRequestHead.Rejection)
}

private func parse(_ bytes: [UInt8], limits: HTTPRequestHead.Limits = .init()) -> Outcome {
    bytes.withUnsafeBytes { raw in
        switch HTTPRequestHead.parse(raw, limits: limits) {
        case .found(let head):
            if head.hostIsInvalid { return .foundInvalidHost }
            return .found(
                method: head.methodString,
                target: head.targetString,
                host: head.host?.description,
                port: head.hostPort,
                targetHost: head.targetHost?.description,
                targetPort: head.targetPort
            )
        case .needMoreData:
            return .needMoreData
        case .notHTTP(let rejection):
            return .notHTTP(rejection)
        }
    }
}

private func parse(_ text: String) -> Outcome { parse(Array(text.utf8)) }

private let request = Array(
    "GET /index.html?q=1 HTTP/1.1\r\nUser-Agent: curl/8\r\nhOsT:   WWW.Example.COM:8080 \r\nAccept: */*\r\n\r\n".utf8
)
private let expected = Outcome.found(
    method: "GET",
    target: "/index.html?q=1",
    host: "www.example.com",
    port: 8080,
    targetHost: nil,
    targetPort: nil
)

@Suite struct HTTPRequestHeadTests {
    @Test func findsRequestLineAndHostWhole() {
        #expect(parse(request) == expected)
    }

    @Test func byteByByteNeedsMoreDataUntilTheHostLineEnds() {
        // The Host line ends where "Accept:" starts.
        let accept = Array("Accept:".utf8)
        let hostLineEnd = (0..<request.count).first { Array(request[$0...].prefix(accept.count)) == accept }!
        for length in 0..<hostLineEnd {
            #expect(parse(Array(request.prefix(length))) == .needMoreData, "prefix \(length)")
        }
        for length in hostLineEnd...request.count {
            #expect(parse(Array(request.prefix(length))) == expected, "prefix \(length)")
        }
    }

    @Test func randomChunkingGivesTheSameAnswer() {
        var generator = SeededGenerator(seed: 0x4774_0003)
        for _ in 0..<200 {
            var buffer: [UInt8] = []
            var outcome = Outcome.needMoreData
            var index = 0
            while index < request.count, outcome == .needMoreData {
                let size = Int.random(in: 1...40, using: &generator)
                buffer += request[index..<min(index + size, request.count)]
                index += size
                outcome = parse(buffer)
            }
            #expect(outcome == expected)
        }
    }

    @Test func connectTargetAndAbsoluteForm() {
        #expect(
            parse("CONNECT Chat.Example.org:443 HTTP/1.1\r\nHost: chat.example.org:443\r\n\r\n")
                == .found(
                    method: "CONNECT",
                    target: "Chat.Example.org:443",
                    host: "chat.example.org",
                    port: 443,
                    targetHost: "chat.example.org",
                    targetPort: 443
                )
        )
        #expect(
            parse("GET HTTP://user@Proxy.Example:3128/x HTTP/1.1\r\nHost: proxy.example\r\n\r\n")
                == .found(
                    method: "GET",
                    target: "HTTP://user@Proxy.Example:3128/x",
                    host: "proxy.example",
                    port: nil,
                    targetHost: "proxy.example",
                    targetPort: 3128
                )
        )
    }

    @Test func ipv6LiteralHostLosesItsBrackets() {
        #expect(
            parse("GET / HTTP/1.1\r\nHost: [2001:DB8::1]:8443\r\n\r\n")
                == .found(method: "GET", target: "/", host: "2001:db8::1", port: 8443, targetHost: nil, targetPort: nil)
        )
        #expect(parse("GET / HTTP/1.1\r\nHost: [2001:db8::1\r\n\r\n") == .foundInvalidHost)
    }

    @Test func lfOnlyLineEndsAndMissingHost() {
        #expect(
            parse("POST /api HTTP/1.1\nHost: api.example.\n\n")
                == .found(
                    method: "POST",
                    target: "/api",
                    host: "api.example",
                    port: nil,
                    targetHost: nil,
                    targetPort: nil
                )
        )
        #expect(
            parse("GET / HTTP/1.0\n\n")
                == .found(method: "GET", target: "/", host: nil, port: nil, targetHost: nil, targetPort: nil)
        )
    }

    @Test func hostWithWhitespaceBeforeTheColonIsNotTheHost() {
        #expect(
            parse("GET / HTTP/1.1\r\nHost : evil.example\r\nHost: good.example\r\n\r\n")
                == .found(method: "GET", target: "/", host: "good.example", port: nil, targetHost: nil, targetPort: nil)
        )
        #expect(parse("GET / HTTP/1.1\r\nHost: exa mple.com\r\n\r\n") == .foundInvalidHost)
        #expect(parse("GET / HTTP/1.1\r\nHost: example.com:99999\r\n\r\n") == .foundInvalidHost)
    }

    @Test func otherProtocolsAreRejectedFromTheirFirstBytes() {
        #expect(parse([0x16, 0x03, 0x01, 0x02, 0x00]) == .notHTTP(.notARequestLine))
        #expect(parse("SSH-2.0-OpenSSH_9.2") == .notHTTP(.notARequestLine))
        #expect(parse("get / HTTP/1.1\r\n") == .notHTTP(.notARequestLine))
        #expect(parse("GET / FTP/1.0\r\n") == .notHTTP(.notARequestLine))
        #expect(parse("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") == .notHTTP(.unsupportedVersion))
        #expect(parse("GET  / HTTP/1.1\r\n") == .notHTTP(.notARequestLine))
        #expect(parse("G") == .needMoreData)
        #expect(parse("GET / HTTP/1.1 \r\n") == .notHTTP(.notARequestLine))
    }

    @Test func capsOnHeadSizeHeaderCountAndLineLength() {
        let manyHeaders = "GET / HTTP/1.1\r\n" + String(repeating: "X-A: b\r\n", count: 65)
        #expect(parse(manyHeaders) == .notHTTP(.tooManyHeaders))

        let longLine = "GET / HTTP/1.1\r\nCookie: " + String(repeating: "c", count: 300)
        #expect(parse(Array(longLine.utf8), limits: .init(maxLineLength: 256)) == .notHTTP(.lineTooLong))

        let unfinished = Array(("GET / HTTP/1.1\r\n" + String(repeating: "X-Filler: 0123456789\r\n", count: 40)).utf8)
        #expect(parse(unfinished, limits: .init(maxHeadBytes: 512)) == .notHTTP(.headTooLarge))
        #expect(parse(Array(unfinished.prefix(500)), limits: .init(maxHeadBytes: 512)) == .needMoreData)
    }

    @Test func randomMutationsNeverCrash() {
        var generator = SeededGenerator(seed: 0x4774_0004)
        let seeds = [
            request, Array("CONNECT [::1]:443 HTTP/1.1\nHost: [::1]:443\n\n".utf8),
            Array("GET http://a.example/ HTTP/1.0\r\n\r\n".utf8),
        ]
        var found = 0
        for iteration in 0..<5000 {
            var bytes = seeds[iteration % seeds.count]
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            if Bool.random(using: &generator) {
                bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
            }
            if case .found = parse(bytes) { found += 1 }
        }
        #expect(found > 0)
    }
}
