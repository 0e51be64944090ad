import Logging
import NIOCore

/// Sits on the listening channel and enforces the connection cap: at the cap it withholds the
/// `read` that would accept more, so further clients wait in the kernel's backlog instead of
/// costing a file descriptor each; a connection closing resumes accepting.
///
/// A connection accepted in the same batch after the cap was reached is closed at once.
final class ConnectionLimitHandler: ChannelDuplexHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel
    typealias OutboundIn = Never

    private let tracker: ConnectionTracker
    private let logger: Logger

    init(tracker: ConnectionTracker, logger: Logger) {
        self.tracker = tracker
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let child = Self.unwrapInboundIn(data)
        guard tracker.admit(child) else {
            logger.debug("connection refused: connection limit reached", metadata: ["limit": "\(tracker.limit)"])
            child.close(promise: nil)
            return
        }
        let tracker = self.tracker
        let listener = context.channel
        child.closeFuture.whenComplete { _ in
            if tracker.remove(child) { listener.read() }
        }
        context.fireChannelRead(data)
    }

    func read(context: ChannelHandlerContext) {
        if tracker.pauseIfFull() { return }
        context.read()
    }
}

@available(*, unavailable)
extension ConnectionLimitHandler: Sendable {}
