import NetwardenCore
import NetwardenMetricsEndpoint
import NetwardenTestSupport
import Synchronization
import Testing

/// What scrapers and technicians see: exact status lines, headers and bodies.
@Suite(.timeLimit(.minutes(1))) struct MetricsEndpointHTTPTests {
    let length = sampleExposition.count
    let exposition = String(decoding: sampleExposition, as: UTF8.self)

    @Test func getMetricsIsTheExposition() async throws {
        try await withEndpoint { _, address in
            let raw = try await TestConnection.with(address) { connection in
                try await connection.send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                return try await connection.readToEnd()
            }
            #expect(
                String(decoding: raw, as: UTF8.self)
                    == "HTTP/1.1 200 OK\r\n"
                    + "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
                    + "Content-Length: \(length)\r\n"
                    + "Connection: close\r\n\r\n"
                    + exposition
            )
        }
    }

    @Test func headHasTheSameHeadersAndNoBody() async throws {
        try await withEndpoint { _, address in
            let raw = try await TestConnection.with(address) { connection in
                try await connection.send("HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                return try await connection.readToEnd()
            }
            #expect(
                String(decoding: raw, as: UTF8.self)
                    == "HTTP/1.1 200 OK\r\n"
                    + "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
                    + "Content-Length: \(length)\r\n"
                    + "Connection: close\r\n\r\n"
            )
        }
    }

    @Test func indexPointsToMetrics() async throws {
        try await withEndpoint { _, address in
            let response = try await TestConnection.with(address) { connection in
                try await connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                return try await connection.readResponse()
            }
            #expect(response?.status == 200)
            #expect(response?.header("Content-Type") == "text/plain; charset=utf-8")
            #expect(response?.bodyText == "netwarden metrics endpoint\nPrometheus metrics: /metrics\n")
        }
    }

    @Test func unknownPathIs404() async throws {
        try await withEndpoint { _, address in
            let raw = try await TestConnection.with(address) { connection in
                try await connection.send("GET /metricz?x=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                return try await connection.readToEnd()
            }
            #expect(
                String(decoding: raw, as: UTF8.self)
                    == "HTTP/1.1 404 Not Found\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Length: 35\r\n"
                    + "Connection: close\r\n\r\n"
                    + "not found; metrics are at /metrics\n"
            )
        }
    }

    @Test func otherMethodsAre405WithAllow() async throws {
        try await withEndpoint { _, address in
            for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
                let response = try await TestConnection.with(address) { connection in
                    try await connection.send("\(method) /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
                    return try await connection.readResponse()
                }
                #expect(response?.status == 405, "\(method)")
                #expect(response?.header("Allow") == "GET, HEAD", "\(method)")
                #expect(response?.bodyText == "method not allowed; use GET or HEAD\n", "\(method)")
            }
        }
    }

    @Test func queryStringsAreIgnored() async throws {
        try await withEndpoint { _, address in
            let response = try await TestConnection.with(address) { connection in
                try await connection.send("GET /metrics?name[]=up HTTP/1.1\r\nHost: x\r\n\r\n")
                return try await connection.readResponse()
            }
            #expect(response?.status == 200)
            #expect(response?.body == sampleExposition)
        }
    }

    @Test func keepAliveAndPipelinedRequestsAreAnsweredInOrder() async throws {
        let calls = Counter()
        let render: @Sendable () -> [UInt8] = { Array("n \(calls.next())\n".utf8) }
        try await withEndpoint(render: render) { _, address in
            try await TestConnection.with(address) { connection in
                try await connection.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
                let first = try await connection.readResponse()
                #expect(first?.bodyText == "n 1\n")
                #expect(first?.header("Connection") == nil)
                // Three more in one write: pipelined.
                try await connection.send(
                    "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nHEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                )
                let second = try await connection.readResponse()
                let third = try await connection.readResponse(head: true)
                let fourth = try await connection.readResponse()
                #expect(second?.bodyText == "n 2\n")
                #expect(third?.header("Content-Length") == "4")
                #expect(fourth?.status == 200)
                #expect(fourth?.header("Connection") == "close")
                #expect(try await connection.readToEnd().isEmpty)
                #expect(connection.ended)
            }
            #expect(calls.value == 3)
        }
    }

    @Test func http10ClosesUnlessAskedToKeepAlive() async throws {
        try await withEndpoint { _, address in
            let closed = try await TestConnection.with(address) { connection in
                try await connection.send("GET /metrics HTTP/1.0\r\n\r\n")
                return try await connection.readToEnd()
            }
            #expect(String(decoding: closed, as: UTF8.self).hasPrefix("HTTP/1.0 200 OK\r\n"))
            #expect(String(decoding: closed, as: UTF8.self).contains("Connection: close\r\n"))
            try await TestConnection.with(address) { connection in
                try await connection.send("GET /metrics HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                let response = try await connection.readResponse()
                #expect(response?.header("Connection") == "keep-alive")
                try await connection.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                #expect(try await connection.readResponse()?.status == 200)
            }
        }
    }

    @Test func halfClosingClientStillGetsItsResponse() async throws {
        // Timeouts beyond the suite's time limit: only the server seeing the half-close can end
        // the connection in time.
        try await withEndpoint(options: testOptions(timeouts: .seconds(300))) { _, address in
            let raw = try await TestConnection.with(address, deadline: .seconds(300)) { connection in
                try await connection.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
                connection.finishSending()
                return try await connection.readToEnd()
            }
            let text = String(decoding: raw, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(text.hasSuffix(exposition))
        }
    }

    @Test func ipv6Loopback() async throws {
        try await withEndpoint(listen: "[::1]:0") { _, address in
            #expect(address.host == "::1")
            #expect(address.port != 0)
            let response = try await TestConnection.with(address) { connection in
                try await connection.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
                return try await connection.readResponse()
            }
            #expect(response?.body == sampleExposition)
        }
    }

    @Test func curlFetchesMetrics() async throws {
        try await withEndpoint { _, address in
            let url = "http://\(address)/metrics"
            let body = try await Command("curl", "--silent", "--show-error", "--fail", "--max-time", "10", url).run()
            #expect(body.standardOutput == sampleExposition)
            let head = try await Command("curl", "-sS", "--fail", "--head", "--max-time", "10", url).run()
            #expect(head.standardOutputText.contains("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"))
            #expect(head.standardOutputText.contains("Content-Length: \(length)\r\n"))
            let missing = try await Command(
                "curl",
                "-sS",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "http://\(address)/x"
            )
            .run()
            #expect(missing.standardOutputText == "404")
        }
    }
}

/// A thread-safe call counter for render closures.
final class Counter: Sendable {
    private let count = Mutex(0)
    func next() -> Int {
        count.withLock {
            $0 += 1
            return $0
        }
    }
    var value: Int { count.withLock { $0 } }
}
