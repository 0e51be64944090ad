import NIOCore
import NetwardenCore
import NetwardenMetricsEndpoint
import Testing

/// "Listens on loopback by default and survives slow or malformed clients": each test breaks
/// the rules one way and checks that the next, well-behaved client is still served.
@Suite(.timeLimit(.minutes(1))) struct MetricsEndpointRobustnessTests {
    private static let goodRequest = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"

    private static func scrape(_ address: ListenAddress) async throws -> TestResponse? {
        try await TestConnection.with(address) { connection in
            try await connection.send(goodRequest)
            return try await connection.readResponse()
        }
    }

    @Test func malformedRequestLineGets400AndTheNextClientIsServed() async throws {
        try await withEndpoint { _, address in
            for garbage in [
                "GARBAGE\r\n\r\n", "GET /metrics HTTP/9\r\n\r\n", "\u{1}\u{2}\u{3}\r\n\r\n", "GET  HTTP/1.1\r\n\r\n",
            ] {
                let raw = try await TestConnection.with(address) { connection in
                    try await connection.send(garbage)
                    return try await connection.readToEnd()
                }
                #expect(
                    String(decoding: raw, as: UTF8.self)
                        == "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
                    "\(garbage.debugDescription)"
                )
            }
            #expect(try await Self.scrape(address)?.body == sampleExposition)
        }
    }

    @Test func oversizedHeadersGet400() async throws {
        try await withEndpoint { _, address in
            let padding = String(repeating: "a", count: 9 * 1024)
            let raw = try await TestConnection.with(address) { connection in
                try await connection.send("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: \(padding)\r\n\r\n")
                return try await connection.readToEnd()
            }
            #expect(String(decoding: raw, as: UTF8.self).hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
            #expect(try await Self.scrape(address)?.status == 200)
        }
    }

    @Test func oversizedBodyGets413AndClose() async throws {
        try await withEndpoint { _, address in
            let raw = try await TestConnection.with(address) { connection in
                try await connection.send("GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n")
                try await connection.send([UInt8](repeating: 0x41, count: 16 * 1024))
                return try await connection.readToEnd()
            }
            let text = String(decoding: raw, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 413 Payload Too Large\r\n"))
            #expect(text.contains("Connection: close\r\n"))
            #expect(try await Self.scrape(address)?.status == 200)
        }
    }

    @Test func slowlorisIsDisconnectedWhileOthersAreServed() async throws {
        // requestTimeout is 2 s; the slow client sends a header byte every 100 ms, so a read-idle
        // timeout would never fire for it.
        try await withEndpoint(options: testOptions(timeouts: .seconds(2))) { endpoint, address in
            try await TestConnection.with(address) { slow in
                try await slow.send("GET /metrics HTTP/1.1\r\nHost: x\r\n")
                let writer = slow.writer
                async let dripping: Void = {
                    for byte in "X-Slow: ".utf8 + Array(repeating: UInt8(ascii: "z"), count: 200) {
                        // Fails once the server has closed the connection, which ends the drip.
                        guard (try? await writer.write(ByteBuffer(bytes: [byte]))) != nil else { return }
                        try? await Task.sleep(for: .milliseconds(100))
                    }
                }()
                // Served while the slow client holds its connection.
                #expect(try await Self.scrape(address)?.body == sampleExposition)
                // The server gives up on the slow client: no response, just the end.
                #expect(try await slow.readToEnd().isEmpty)
                #expect(slow.ended)
                await dripping
            }
            #expect(await eventually { endpoint.openConnections == 0 })
        }
    }

    @Test func idleKeepAliveConnectionIsClosed() async throws {
        try await withEndpoint(options: testOptions(timeouts: .seconds(2))) { endpoint, address in
            try await TestConnection.with(address) { connection in
                try await connection.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try await connection.readResponse()?.status == 200)
                // Says nothing more: closed after requestTimeout.
                #expect(try await connection.readToEnd().isEmpty)
                #expect(connection.ended)
            }
            #expect(await eventually { endpoint.openConnections == 0 })
        }
    }

    @Test func clientThatNeverReadsIsDroppedAndOthersAreServed() async throws {
        // Larger than the loopback socket buffers on both sides, so the write cannot finish.
        let large = [UInt8](repeating: UInt8(ascii: "#"), count: 48 * 1024 * 1024)
        let render: @Sendable () -> [UInt8] = { large }
        // 5 s: the other client reading 48 MiB on a loaded machine must not look stalled.
        try await withEndpoint(options: testOptions(timeouts: .seconds(5)), render: render) { endpoint, address in
            let stalled = try await TestConnection.connect(address)
            try await stalled.executeThenClose { _, outbound in
                try await outbound.write(ByteBuffer(string: "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"))
                #expect(await eventually { endpoint.openConnections == 1 })
                // Another client gets the whole (large) response meanwhile.
                let other = try await TestConnection.with(address) { connection in
                    try await connection.send(Self.goodRequest)
                    return try await connection.readResponse()
                }
                #expect(other?.body.count == large.count)
                // writeTimeout is 5 s: the server closes the stalled connection on its own.
                #expect(await eventually { endpoint.openConnections == 0 })
            }
        }
    }

    @Test func slowButSteadyReaderGetsTheWholeResponse() async throws {
        // writeTimeout (4 s) bounds time without progress, not the whole transfer. The client's
        // small receive buffer makes its pace the server's pace: with the kernel's autotuned
        // megabytes the server would see no progress while the reader drained them.
        let large = [UInt8](repeating: UInt8(ascii: "#"), count: 8 * 1024 * 1024)
        let render: @Sendable () -> [UInt8] = { large }
        try await withEndpoint(options: testOptions(timeouts: .seconds(4)), render: render) { _, address in
            let received = try await TestConnection.with(address, deadline: .seconds(50), receiveBuffer: 128 * 1024) {
                connection in
                try await connection.send(Self.goodRequest)
                var total = 0
                let started = ContinuousClock.now
                while let chunk = try await connection.readChunk() {
                    total += chunk.count
                    try await Task.sleep(for: .milliseconds(50))
                }
                return (total, ContinuousClock.now - started)
            }
            #expect(received.0 > large.count)
            // The sleeps (50 ms per read of at most 64 KiB) make the transfer outlast the write
            // timeout; this checks that premise, not the server's speed.
            #expect(received.1 > .seconds(4))
        }
    }

    @Test func clientBeyondTheCapIsServedOnceASlotFrees() async throws {
        var options = testOptions(timeouts: .seconds(3))
        options.maxConnections = 2
        try await withEndpoint(options: options) { endpoint, address in
            let idle = [try await TestConnection.connectIdle(address), try await TestConnection.connectIdle(address)]
            #expect(await eventually { endpoint.peakConnections == 2 })
            // Waits in the backlog until the silent clients reach their request timeout (3 s).
            let response = try await Self.scrape(address)
            #expect(response?.body == sampleExposition)
            #expect(endpoint.peakConnections == 2)
            for channel in idle { try? await channel.close() }
        }
    }

    @Test func floodBeyondTheCapIsHeldBackNotServedOrCrashing() async throws {
        var options = testOptions(timeouts: .seconds(1))
        options.maxConnections = 8
        // Long enough that the first connections hold their slots while the flood arrives.
        options.requestTimeout = .seconds(30)
        try await withEndpoint(options: options) { endpoint, address in
            let flood = await withTaskGroup(of: (any Channel)?.self) { group in
                for _ in 0..<200 {
                    group.addTask { try? await TestConnection.connectIdle(address) }
                }
                var channels: [any Channel] = []
                for await channel in group { if let channel { channels.append(channel) } }
                return channels
            }
            #expect(await eventually { endpoint.openConnections == options.maxConnections })
            #expect(endpoint.peakConnections <= options.maxConnections)
            for channel in flood { try? await channel.close() }
            // Slots free up; the waiting connections come in and leave; then a scrape works.
            #expect(await eventually { endpoint.openConnections == 0 })
            let after = try await Self.scrape(address)
            #expect(after?.body == sampleExposition)
            #expect(endpoint.peakConnections <= options.maxConnections)
        }
    }
}
