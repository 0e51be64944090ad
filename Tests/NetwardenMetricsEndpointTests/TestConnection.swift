import NIOCore
import NIOPosix
import NetwardenCore

/// One HTTP response as a test client read it off the wire.
struct TestResponse {
    /// Status line and headers exactly as sent, up to and including the blank line.
    var head: String
    var body: [UInt8]
    var status: Int? { head.split(separator: " ").dropFirst().first.flatMap { Int($0) } }
    var bodyText: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        for line in head.split(separator: "\r\n").dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 && parts[0].lowercased() == name.lowercased() {
                return parts[1].trimmingPrefix(" ").description
            }
        }
        return nil
    }
}

/// A raw TCP client that sends exact bytes and reads what comes back, on NIO so that waiting on
/// a slow or silent server never blocks a test thread. A client-side deadline closes the
/// connection, so no read waits forever.
final class TestConnection {
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var buffered: [UInt8] = []
    /// The server closed the connection (or the deadline did).
    private(set) var ended = false

    private init(
        iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) {
        self.iterator = iterator
        self.outbound = outbound
    }

    /// `receiveBuffer` shrinks the client's kernel receive buffer, so a slow reader's pace
    /// reaches the server at once instead of after megabytes of autotuned buffer drain.
    static func connect(
        _ address: ListenAddress,
        receiveBuffer: Int? = nil
    ) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connectTimeout(.seconds(2))
        if let receiveBuffer {
            bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(receiveBuffer))
        }
        return
            try await bootstrap
            .connect(host: address.host, port: Int(address.port)) { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Half-closure lets a test shut its sending side and keep reading.
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(isOutboundHalfClosureEnabled: true)
                    )
                }
            }
    }

    /// A bare connection that sends and reads nothing (flood tests); the caller closes it.
    static func connectIdle(_ address: ListenAddress) async throws -> any Channel {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(2))
            .connect(host: address.host, port: Int(address.port))
            .get()
    }

    /// Connects, runs `body`, and closes; the connection is closed by force after `deadline`.
    static func with<Result>(
        _ address: ListenAddress,
        deadline: Duration = .seconds(20),
        receiveBuffer: Int? = nil,
        _ body: (TestConnection) async throws -> Result
    ) async throws -> Result {
        let channel = try await connect(address, receiveBuffer: receiveBuffer)
        let raw = channel.channel
        let guardTask = raw.eventLoop.scheduleTask(in: TimeAmount(deadline)) { raw.close(promise: nil) }
        defer { guardTask.cancel() }
        return try await channel.executeThenClose { inbound, outbound in
            try await body(TestConnection(iterator: inbound.makeAsyncIterator(), outbound: outbound))
        }
    }

    /// The sending side on its own (it is Sendable), for a task that writes while another reads.
    var writer: NIOAsyncChannelOutboundWriter<ByteBuffer> { outbound }

    func send(_ text: String) async throws { try await send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) async throws {
        try await outbound.write(ByteBuffer(bytes: bytes))
    }

    /// Shuts the sending side (TCP FIN), as `printf ... | nc` does after the request.
    func finishSending() { outbound.finish() }

    /// Reads one response framed by Content-Length (`head` for a HEAD request: no body follows);
    /// `nil` if the connection ended first.
    func readResponse(head isHead: Bool = false) async throws -> TestResponse? {
        let separator = Array("\r\n\r\n".utf8)
        while true {
            if let end = firstIndex(of: separator) {
                let head = String(decoding: buffered[..<(end + 4)], as: UTF8.self)
                let response = TestResponse(head: head, body: [])
                let length = isHead ? 0 : Int(response.header("Content-Length") ?? "0") ?? 0
                if buffered.count >= end + 4 + length {
                    let body = Array(buffered[(end + 4)..<(end + 4 + length)])
                    buffered.removeFirst(end + 4 + length)
                    return TestResponse(head: head, body: body)
                }
            }
            guard try await fill() else { return nil }
        }
    }

    /// The next bytes as they arrive, unparsed; `nil` once the connection ended.
    func readChunk() async throws -> [UInt8]? {
        if buffered.isEmpty {
            guard try await fill() else { return nil }
        }
        defer { buffered = [] }
        return buffered
    }

    /// Everything until the connection ends.
    func readToEnd() async throws -> [UInt8] {
        while try await fill() {}
        defer { buffered = [] }
        return buffered
    }

    private func fill() async throws -> Bool {
        guard !ended else { return false }
        do {
            guard let chunk = try await iterator.next() else {
                ended = true
                return false
            }
            buffered += chunk.readableBytesView
            return true
        } catch {
            // A reset is an ending too (the server closed with unread data).
            ended = true
            return false
        }
    }

    private func firstIndex(of separator: [UInt8]) -> Int? {
        guard buffered.count >= separator.count else { return nil }
        return (0...(buffered.count - separator.count)).first {
            buffered[$0..<($0 + separator.count)].elementsEqual(separator)
        }
    }
}
