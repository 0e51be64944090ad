import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NetwardenCore
import ServiceLifecycle
import Synchronization

/// The daemon's local Prometheus endpoint (`[metrics] listen`): `GET /metrics` answers with the
/// text exposition that `render` produces, `GET /` with a pointer to it.
///
/// It is optional, so it never stops the daemon: a bad address or a failed bind is logged (once
/// per distinct failure) and binding is retried with capped exponential backoff, so a port freed
/// later is picked up. `run()` returns only on graceful shutdown or cancellation, because a
/// `Service` that returns or throws ends the whole `ServiceGroup`. On shutdown the listening
/// socket and every open connection are closed before `run()` returns.
///
/// Slow and malformed clients: NIOHTTP1 parses requests with header limits and answers parse
/// errors with 400; each connection must deliver a request within `requestTimeout` and keep
/// reading its response (no `writeTimeout` without progress); at most `maxConnections` are open
/// at once, further clients wait in the kernel's backlog.
public final class MetricsEndpoint: Service, Sendable {
    private struct State {
        var address: ListenAddress?
        var waiters: [Int: CheckedContinuation<ListenAddress, any Error>] = [:]
        var nextWaiter = 0
        var finished = false
        var tracker: ConnectionTracker?
    }

    private let listen: String
    private let options: MetricsEndpointOptions
    private let group: any EventLoopGroup
    private let render: @Sendable () -> [UInt8]
    private let logger: Logger
    private let state = Mutex(State())

    /// - Parameters:
    ///   - listen: `host:port` (`127.0.0.1:9813`, `[::1]:9813`); port 0 binds any free port.
    ///   - eventLoopGroup: NIO's shared singleton by default, so the endpoint adds no threads of
    ///     its own beyond that group's.
    ///   - render: the Prometheus text exposition, called once per `/metrics` request on an event
    ///     loop thread, so it should return quickly (the telemetry hub caches).
    public init(
        listen: String,
        options: MetricsEndpointOptions = MetricsEndpointOptions(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger,
        render: @escaping @Sendable () -> [UInt8]
    ) {
        self.listen = listen
        self.options = options
        self.group = eventLoopGroup
        self.render = render
        var logger = logger
        logger[metadataKey: "component"] = "metrics"
        self.logger = logger
    }

    /// The address the endpoint listens on now (the real port when configured with port 0), or
    /// `nil` while it is not listening.
    public var listeningAddress: ListenAddress? { state.withLock { $0.address } }

    /// Connections open now (for status output and tests).
    public var openConnections: Int { state.withLock { $0.tracker?.openCount ?? 0 } }

    /// The most connections open at once while listening (for tests of the cap).
    public var peakConnections: Int { state.withLock { $0.tracker?.peakCount ?? 0 } }

    /// Waits until the endpoint listens and returns the bound address (with the real port when
    /// configured with port 0). Throws `CancellationError` if the caller is cancelled, and a
    /// `MetricsEndpointError` with code `.stopped` if the endpoint stops without ever listening.
    public func boundAddress() async throws -> ListenAddress {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ListenAddress, any Error>) in
                let ready: Result<ListenAddress, any Error>? = state.withLock { state in
                    if let address = state.address { return .success(address) }
                    if state.finished { return .failure(stoppedError) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(throwing: CancellationError())
        }
    }

    public func run() async throws {
        defer { finish() }
        let address: ListenAddress
        switch ListenAddress.parse(listen) {
        case .success(let parsed):
            address = parsed
        case .failure(let error):
            // Nothing to retry: the setting stays wrong until a restart with a fixed config.
            logger.error("metrics endpoint disabled: \(error)")
            try? await gracefulShutdown()
            return
        }

        var delay = options.bindRetryDelay
        var lastFailure: MetricsEndpointError.Code?
        var failures = 0
        while !Self.shouldStop {
            let tracker = ConnectionTracker(limit: options.maxConnections)
            let listener: any Channel
            do {
                listener = try await bind(address, tracker: tracker)
            } catch {
                let failure = MetricsEndpointError.binding(address.description, error: error)
                // Log a failure once, not on every retry: the port may stay taken for hours.
                if failure.code != lastFailure {
                    logger.error(
                        "\(failure); retrying",
                        metadata: ["code": "\(failure.code)", "retry_max": "\(options.maxBindRetryDelay)"]
                    )
                } else {
                    logger.debug("\(failure); retrying", metadata: ["code": "\(failure.code)"])
                }
                lastFailure = failure.code
                failures += 1
                await Self.sleep(for: delay)
                delay = min(delay * 2, options.maxBindRetryDelay)
                continue
            }
            delay = options.bindRetryDelay
            lastFailure = nil
            let bound = Self.listenAddress(of: listener) ?? address
            announce(bound, tracker: tracker, afterFailures: failures)
            failures = 0
            await serve(listener, tracker: tracker)
            if !Self.shouldStop {
                // The socket closed under us (it should not); listen again rather than go dark.
                logger.warning("metrics endpoint stopped listening unexpectedly; binding again")
                await Self.sleep(for: delay)
            }
        }
    }

    private func bind(_ address: ListenAddress, tracker: ConnectionTracker) async throws -> any Channel {
        let socketAddress = try SocketAddress(ipAddress: address.host, port: Int(address.port))
        let options = self.options
        let render = self.render
        let logger = self.logger
        let limits = Self.decoderLimits(options)
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: Int32(clamping: options.maxConnections))
            // Lets a restarted daemon bind while old connections linger in TIME_WAIT; another
            // listener on the port still makes the bind fail.
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // The backoff handler pauses accepting for a second when the process is out
                    // of file descriptors, instead of spinning on EMFILE.
                    try channel.pipeline.syncOperations.addHandlers(
                        AcceptBackoffHandler(shouldForwardIOErrorCaught: false),
                        ConnectionLimitHandler(tracker: tracker, logger: logger)
                    )
                }
            }
            // Half-closing clients (`printf ... | nc`) still get their response.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withPipeliningAssistance: true,
                        withErrorHandling: true,
                        withOutboundHeaderValidation: true,
                        withEncoderConfiguration: HTTPResponseEncoder.Configuration(),
                        withDecoderLimitConfiguration: limits
                    )
                    try channel.pipeline.syncOperations.addHandler(
                        MetricsHTTPHandler(render: render, options: options, logger: logger)
                    )
                }
            }
            .bind(to: socketAddress)
            .get()
    }

    private static func decoderLimits(_ options: MetricsEndpointOptions) -> NIOHTTPDecoderLimitConfiguration {
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderFieldSize = options.maxHeaderBytes
        limits.maxHeaderListSize = options.maxHeaderBytes
        // Scrapers send a handful of headers; thousands of tiny ones would only cost CPU.
        limits.maxHeaderFieldCount = 100
        return limits
    }

    private func announce(_ bound: ListenAddress, tracker: ConnectionTracker, afterFailures failures: Int) {
        let waiters = state.withLock { state in
            state.address = bound
            state.tracker = tracker
            defer { state.waiters = [:] }
            return state.waiters.values
        }
        for waiter in waiters { waiter.resume(returning: bound) }
        var metadata: Logger.Metadata = ["address": "\(bound)"]
        if failures > 0 { metadata["failed_attempts"] = "\(failures)" }
        logger.notice("metrics endpoint listening", metadata: metadata)
        if !bound.isLoopback {
            logger.warning(
                "metrics endpoint is reachable from the network; firewall it or listen on 127.0.0.1",
                metadata: ["address": "\(bound)"]
            )
        }
    }

    /// Serves until graceful shutdown or cancellation, then closes the listener and every open
    /// connection and waits (bounded) until they are closed.
    private func serve(_ listener: any Channel, tracker: ConnectionTracker) async {
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await listener.closeFuture.get()
            } onGracefulShutdown: {
                listener.close(promise: nil)
            }
        } onCancel: {
            listener.close(promise: nil)
        }
        state.withLock { $0.address = nil }
        let connections = tracker.closeAll()
        if !connections.isEmpty {
            logger.debug("closing open connections", metadata: ["count": "\(connections.count)"])
        }
        for connection in connections { connection.close(promise: nil) }
        // Closing is immediate on a live socket; the bound only guards against a connection
        // that never reports closed, which must not hold up the daemon's exit.
        let loop = listener.eventLoop
        let allClosed = loop.makePromise(of: Void.self)
        EventLoopFuture.andAllComplete(connections.map(\.closeFuture), on: loop).cascade(to: allClosed)
        let bound = loop.scheduleTask(in: .seconds(1)) { allClosed.succeed() }
        try? await allClosed.futureResult.get()
        bound.cancel()
    }

    private func finish() {
        let waiters = state.withLock { state in
            state.finished = true
            state.address = nil
            defer { state.waiters = [:] }
            return state.waiters.values
        }
        for waiter in waiters { waiter.resume(throwing: stoppedError) }
    }

    private var stoppedError: MetricsEndpointError {
        MetricsEndpointError(code: .stopped, address: listen, message: "the endpoint stopped before it listened")
    }

    private static func listenAddress(of channel: any Channel) -> ListenAddress? {
        guard let local = channel.localAddress, let host = local.ipAddress, let port = local.port else { return nil }
        return ListenAddress(host: host, port: UInt16(clamping: port))
    }

    private static var shouldStop: Bool { Task.isCancelled || Task<Never, Never>.isShuttingDownGracefully }

    /// Sleeps, cut short by graceful shutdown or cancellation.
    private static func sleep(for duration: Duration) async {
        _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
    }
}
