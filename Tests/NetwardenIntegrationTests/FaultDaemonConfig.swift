import Foundation

/// The netwarden.toml of the delivery fault tests: one collector output, a link sampler every
/// second and optionally many TCP probes (heavy writing), short timeouts so a black-holed
/// request fails within a second or two, and quick backoff so recovery is prompt.
struct FaultDaemonConfig {
    var stateDirectory: String
    var collectorURL: String
    var tokenFile: String
    /// `[metrics] listen` on 127.0.0.1:PORT; nil turns the endpoint off.
    var metricsPort: UInt16?
    /// `[[probes.tcp]]` blocks to closed loopback ports, each once a second: each failure is a
    /// sample group, the first one per probe also an event.
    var tcpProbes = 0
    var timeoutSeconds = 2.0
    var connectTimeoutSeconds = 1.0
    var maxRecordsPerRequest = 50
    var maxBackoffSeconds = 1.0

    /// Writes the file at `path` (and the token file).
    func write(to path: String) throws {
        try "fault-test-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        var text = """
            [identity]
            trust = "fault-trust"
            site = "fault-school"
            gateway = "fault-gw"

            [interfaces]
            uplink = ["lo"]

            [daemon]
            state_directory = "\(stateDirectory)"
            status_interval_seconds = 1

            [link]
            interval_seconds = 1

            [metrics]
            listen = "\(metricsPort.map { "127.0.0.1:\($0)" } ?? "")"

            [spool]
            fsync_interval_seconds = 1

            [[outputs.collector]]
            name = "trust"
            url = "\(collectorURL)"
            token_file = "\(tokenFile)"
            min_backoff_seconds = 0.05
            max_backoff_seconds = \(maxBackoffSeconds)
            max_records_per_request = \(maxRecordsPerRequest)
            timeout_seconds = \(timeoutSeconds)
            connect_timeout_seconds = \(connectTimeoutSeconds)

            """
        for index in 0..<tcpProbes {
            // Ports 900 and up on loopback: nothing listens there in a lab namespace or on CI.
            text += """

                [[probes.tcp]]
                name = "load-\(index)"
                target = "127.0.0.1"
                port = \(900 + index)
                interval_seconds = 1
                timeout_seconds = 0.5

                """
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
