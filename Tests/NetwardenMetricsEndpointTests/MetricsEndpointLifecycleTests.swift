import Logging
import NIOCore
import NetwardenCore
import NetwardenMetricsEndpoint
import NetwardenTestSupport
import ServiceLifecycle
import Testing

/// Starting, failing to bind, retrying and stopping, as the daemon's ServiceGroup drives it.
@Suite(.timeLimit(.minutes(1))) struct MetricsEndpointLifecycleTests {
    @Test func gracefulShutdownClosesThePortAndOpenConnections() async throws {
        let logs = LogRecorder()
        var options = testOptions()
        // Longer than the suite's time limit: only the shutdown can close the kept-alive
        // connection in time.
        options.requestTimeout = .seconds(300)
        let endpoint = MetricsEndpoint(listen: "127.0.0.1:0", options: options, logger: logs.logger) {
            sampleExposition
        }
        let group = ServiceGroup(services: [endpoint], logger: logs.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let address = try await endpoint.boundAddress()
            #expect(endpoint.listeningAddress == address)
            try await TestConnection.with(address) { open in
                try await open.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try await open.readResponse()?.status == 200)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                // run() returned: the kept-alive connection was closed and nothing listens.
                #expect(try await open.readToEnd().isEmpty)
                #expect(open.ended)
            }
            #expect(!LabSocket.canConnect(to: address.host, port: address.port))
            #expect(endpoint.listeningAddress == nil)
        }
    }

    @Test func portInUseIsReportedOnceWhileRetrying() async throws {
        let logs = LogRecorder()
        // The first endpoint holds a port; the second wants the same one.
        try await withEndpoint { _, taken in
            let second = MetricsEndpoint(listen: taken.description, options: testOptions(), logger: logs.logger) {
                Array("second\n".utf8)
            }
            let group = ServiceGroup(services: [second], logger: logs.logger)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                let expected = "cannot listen on \(taken): address already in use"
                #expect(await logs.wait { $0.level == .error && $0.message.hasPrefix(expected) })
                // Several retries later, still one error line (the rest are debug).
                #expect(await logs.wait { entry in logs.all.filter { $0.message.hasPrefix(expected) }.count >= 4 })
                #expect(logs.all.filter { $0.level == .error }.count == 1)
                #expect(second.listeningAddress == nil)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }

    @Test func bindsOncePortIsFreed() async throws {
        let logs = LogRecorder()
        let first = MetricsEndpoint(listen: "127.0.0.1:0", options: testOptions(), logger: logs.logger) {
            Array("first\n".utf8)
        }
        let firstGroup = ServiceGroup(services: [first], logger: logs.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await firstGroup.run() }
            let taken = try await first.boundAddress()
            let second = MetricsEndpoint(listen: taken.description, options: testOptions(), logger: logs.logger) {
                Array("second\n".utf8)
            }
            let secondGroup = ServiceGroup(services: [second], logger: logs.logger)
            tasks.addTask { try await secondGroup.run() }
            #expect(await logs.wait { $0.message.hasPrefix("cannot listen on \(taken): address already in use") })
            await firstGroup.triggerGracefulShutdown()
            // The retry picks the port up once the first endpoint let it go.
            let bound = try await second.boundAddress()
            #expect(bound == taken)
            let response = try await TestConnection.with(bound) { connection in
                try await connection.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
                return try await connection.readResponse()
            }
            #expect(response?.bodyText == "second\n")
            #expect(await logs.wait { $0.level == .notice && $0.message == "metrics endpoint listening" })
            await secondGroup.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func unavailableAddressNamesTheAddress() async throws {
        let logs = LogRecorder()
        // TEST-NET-1: never an address of this host.
        let endpoint = MetricsEndpoint(listen: "192.0.2.1:9813", options: testOptions(), logger: logs.logger) { [] }
        let group = ServiceGroup(services: [endpoint], logger: logs.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            #expect(
                await logs.wait {
                    $0.level == .error
                        && $0.message.hasPrefix("cannot listen on 192.0.2.1:9813: address not available")
                }
            )
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        await #expect(throws: MetricsEndpointError.self) { try await endpoint.boundAddress() }
    }

    @Test func invalidAddressIsLoggedAndTheServiceWaitsForShutdown() async throws {
        let logs = LogRecorder()
        let endpoint = MetricsEndpoint(listen: "localhost:9813", logger: logs.logger) { [] }
        let group = ServiceGroup(services: [endpoint], logger: logs.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            #expect(
                await logs.wait {
                    $0.level == .error
                        && $0.message
                            == "metrics endpoint disabled: invalid listen address \"localhost:9813\": 'localhost' is"
                            + " not an IP address; host names are not resolved here, use 127.0.0.1 or [::1]"
                }
            )
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        do {
            _ = try await endpoint.boundAddress()
            Issue.record("boundAddress() returned for an endpoint that never listened")
        } catch let error as MetricsEndpointError {
            #expect(error.code == .stopped)
        }
    }
}
