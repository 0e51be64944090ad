import Logging
import NIOCore
import NIOHTTP1

/// Serves one connection: answers each request with `MetricsResponse`, keeps the connection
/// alive when the client asks, and closes it when the client is too slow to send a request or
/// to read a response.
///
/// NIOHTTP1 in front of it parses (with header limits), answers malformed requests with 400, and
/// holds pipelined requests back until the previous response is written, so this handler sees
/// one request at a time.
final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Large enough that a typical exposition is one or two writes.
    private static let writeSliceBytes = 256 * 1024

    private let render: @Sendable () -> [UInt8]
    private let options: MetricsEndpointOptions
    private let logger: Logger

    /// The request being received; `nil` between requests and after a 413 (rest is ignored).
    private var request: HTTPRequestHead?
    private var bodyBytes = 0
    /// Responses written but not yet on the wire.
    private var responsesInFlight = 0
    private var keepAlive = true
    /// The one deadline a connection has at a time: for the client's request while we wait
    /// for it, for our response while it is being written.
    private var deadline: Scheduled<Void>?

    init(render: @escaping @Sendable () -> [UInt8], options: MetricsEndpointOptions, logger: Logger) {
        self.render = render
        self.options = options
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { awaitRequest(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        awaitRequest(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelDeadline()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelDeadline()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            request = head
            bodyBytes = 0
        case .body(let chunk):
            guard request != nil else { return }
            bodyBytes += chunk.readableBytes
            if bodyBytes > options.maxRequestBodyBytes {
                let version = request?.version ?? .http1_1
                request = nil
                keepAlive = false
                respond(context: context, with: .payloadTooLarge, version: version)
            }
        case .end:
            guard let head = request else { return }
            request = nil
            keepAlive = keepAlive && head.isKeepAlive
            let response = MetricsResponse.answer(method: head.method, uri: head.uri, render: render)
            respond(context: context, with: response, version: head.version)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            // The client sent everything it will send: finish what is being written, then close.
            keepAlive = false
            if responsesInFlight == 0 { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // HTTPServerProtocolErrorHandler has already queued the 400 for parser errors; anything
        // else (resets, timeouts) leaves nothing to say to the client.
        logger.debug("closing connection after error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    private func respond(context: ChannelHandlerContext, with response: MetricsResponse, version: HTTPVersion) {
        var headers = HTTPHeaders(response.headers)
        headers.add(name: "Content-Length", value: String(response.body.count))
        if !keepAlive {
            headers.add(name: "Connection", value: "close")
        } else if version == .http1_0 {
            // HTTP/1.0 closes by default; say that this connection stays open as asked.
            headers.add(name: "Connection", value: "keep-alive")
        }
        let head = HTTPResponseHead(version: version, status: response.status, headers: headers)
        context.write(Self.wrapOutboundOut(.head(head)), promise: nil)
        responsesInFlight += 1
        if responsesInFlight == 1 { awaitWriteProgress(context: context) }
        if response.sendsBody && !response.body.isEmpty {
            // Written in slices, each restarting the write deadline as it reaches the socket:
            // the timeout then means "no progress", so a large response to a slow but reading
            // client completes, while a client that stops reading is dropped.
            var buffer = context.channel.allocator.buffer(bytes: response.body)
            while let slice = buffer.readSlice(length: min(Self.writeSliceBytes, buffer.readableBytes)),
                slice.readableBytes > 0
            {
                context.write(Self.wrapOutboundOut(.body(.byteBuffer(slice)))).assumeIsolated().whenSuccess {
                    if self.responsesInFlight > 0 { self.awaitWriteProgress(context: context) }
                }
            }
        }
        context.writeAndFlush(Self.wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { result in
            self.responseWritten(context: context, result: result)
        }
    }

    private func responseWritten(context: ChannelHandlerContext, result: Result<Void, any Error>) {
        responsesInFlight -= 1
        guard case .success = result, context.channel.isActive else { return }
        if !keepAlive {
            context.close(promise: nil)
        } else if responsesInFlight == 0 {
            awaitRequest(context: context)
        } else {
            awaitWriteProgress(context: context)
        }
    }

    private func awaitWriteProgress(context: ChannelHandlerContext) {
        arm(context: context, after: options.writeTimeout, reason: "client stopped reading the response")
    }

    private func awaitRequest(context: ChannelHandlerContext) {
        arm(context: context, after: options.requestTimeout, reason: "client did not send a request in time")
    }

    private func arm(context: ChannelHandlerContext, after timeout: Duration, reason: String) {
        cancelDeadline()
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) {
            self.logger.debug("closing connection", metadata: ["reason": "\(reason)"])
            context.close(promise: nil)
        }
    }

    private func cancelDeadline() {
        deadline?.cancel()
        deadline = nil
    }
}

@available(*, unavailable)
extension MetricsHTTPHandler: Sendable {}
