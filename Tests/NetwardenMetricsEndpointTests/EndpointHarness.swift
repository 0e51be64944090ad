import Logging
import NetwardenCore
import NetwardenMetricsEndpoint
import ServiceLifecycle

/// Runs a `MetricsEndpoint` in a `ServiceGroup` (as the daemon does) for the length of `body`,
/// then shuts the group down gracefully and waits for it.
func withEndpoint<Result: Sendable>(
    listen: String = "127.0.0.1:0",
    options: MetricsEndpointOptions = testOptions(),
    logs: LogRecorder = LogRecorder(),
    render: @escaping @Sendable () -> [UInt8] = { sampleExposition },
    _ body: (MetricsEndpoint, ListenAddress) async throws -> Result
) async throws -> Result {
    let endpoint = MetricsEndpoint(listen: listen, options: options, logger: logs.logger, render: render)
    let group = ServiceGroup(services: [endpoint], logger: logs.logger)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            let address = try await endpoint.boundAddress()
            let result = try await body(endpoint, address)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}

/// Fast bind retries; request and write timeouts short only where a test is about them
/// (`timeouts`), so that other tests survive a loaded machine pausing a client for a while.
func testOptions(timeouts: Duration = .seconds(20)) -> MetricsEndpointOptions {
    var options = MetricsEndpointOptions()
    options.requestTimeout = timeouts
    options.writeTimeout = timeouts
    options.bindRetryDelay = .milliseconds(50)
    options.maxBindRetryDelay = .milliseconds(200)
    return options
}

let sampleExposition = Array(
    """
    # HELP netwarden_up Whether the daemon runs.
    # TYPE netwarden_up gauge
    netwarden_up{site="test"} 1

    """.utf8
)

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(10), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
