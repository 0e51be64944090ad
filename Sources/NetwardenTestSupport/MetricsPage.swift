import Foundation
import Glibc

/// One scrape of a daemon's `/metrics` (Prometheus text), for tests that check self-metrics
/// the way an operator's Prometheus would see them.
public struct MetricsPage: Sendable {
    public var text: String

    public init(text: String) { self.text = text }

    /// GETs `/metrics` from `address`:`port` in the test's own network namespace, on a thread of
    /// its own (the socket blocks, with `timeout`).
    public static func fetch(
        address: String = "127.0.0.1",
        port: UInt16,
        timeout: Duration = .seconds(5)
    ) async throws -> MetricsPage {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<MetricsPage, any Error>) in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result {
                        let socket = try LabSocket(
                            connectingTo: address,
                            port: port,
                            type: Int32(SOCK_STREAM.rawValue),
                            timeout: timeout
                        )
                        try socket.send(
                            Array("GET /metrics HTTP/1.0\r\nHost: \(address)\r\nConnection: close\r\n\r\n".utf8)
                        )
                        let response = try Lab.parseHTTPResponse(try socket.receiveAll())
                        guard response.status == 200 else {
                            throw LabError(code: .clientFailed, message: "/metrics answered \(response.status)")
                        }
                        return MetricsPage(text: response.bodyText)
                    }
                )
            }
        }
    }

    /// Scrapes every 200 ms until `condition` holds for a page and returns that page. A refused
    /// or failed scrape is retried too: the endpoint may still be starting. Throws after
    /// `timeout` with the last page or error.
    public static func waitFor(
        _ what: String,
        port: UInt16,
        timeout: Duration = .seconds(15),
        _ condition: (MetricsPage) -> Bool
    ) async throws -> MetricsPage {
        let deadline = ContinuousClock.now + timeout
        var last = "no scrape yet"
        while true {
            do {
                let page = try await fetch(port: port)
                if condition(page) { return page }
                last = page.text
            } catch {
                last = "\(error)"
            }
            if ContinuousClock.now >= deadline {
                throw LabError(
                    code: .clientFailed,
                    message: "/metrics on port \(port): no \(what) within \(timeout); last:\n\(last)"
                )
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// The value of the first sample of `name` whose labels include every pair in `labels`.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            let series = line[..<space]
            let sampleName = series.firstIndex(of: "{").map { series[..<$0] } ?? series
            guard sampleName == name else { continue }
            let labelText = series.dropFirst(sampleName.count)
            guard labels.allSatisfy({ labelText.contains("\($0.key)=\"\($0.value)\"") }) else { continue }
            return Double(line[line.index(after: space)...])
        }
        return nil
    }
}
