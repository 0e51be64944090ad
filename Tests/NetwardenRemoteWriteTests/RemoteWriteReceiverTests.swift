import Foundation
import Glibc
import NetwardenCompression
import NetwardenRemoteWrite
import NetwardenTestSupport
import Testing

/// Real receivers take our requests: VictoriaMetrics and Prometheus (Debian's packages, started on
/// loopback by the test) answer 204 and then return exactly the labels, values and timestamps we
/// sent; Prometheus also treats our stale marker as the end of the series.
@Suite(.timeLimit(.minutes(2)))
struct RemoteWriteReceiverTests {
    static let victoriaMetrics = LabProgram("victoria-metrics", debianPackage: "victoria-metrics")
    static let prometheus = LabProgram("prometheus", debianPackage: "prometheus")
    static let missingForVictoriaMetrics = missing([victoriaMetrics, .curl])
    static let missingForPrometheus = missing([prometheus, .curl])

    /// Unsorted, with an empty label and non-ASCII: the encoder must hand receivers sorted,
    /// non-empty labels, or they would reject or mislabel the series.
    static let labels = [
        ("target", "dns"), ("__name__", "nw_remote_write_test"), ("site", "north"), ("school", "caf\u{E9} \u{1F3EB}"),
        ("empty", ""),
    ]
    static let expectedLabels = [
        "__name__": "nw_remote_write_test", "school": "caf\u{E9} \u{1F3EB}", "site": "north", "target": "dns",
    ]

    @Test(.enabled(if: missingForVictoriaMetrics == nil, "\(missingForVictoriaMetrics ?? "")"))
    func victoriaMetricsStoresWhatWeSend() async throws {
        let directory = try TemporaryDirectory()
        let port = try Self.unusedLoopbackPort()
        let server = try await BackgroundProcess(
            [
                "victoria-metrics", "-httpListenAddr=127.0.0.1:\(port)", "-storageDataPath=\(directory.path)",
                "-loggerLevel=ERROR",
            ],
            name: "victoria-metrics"
        )
        try await server.waitUntilReady { LabSocket.canConnect(to: "127.0.0.1", port: port) }

        // Recent timestamps: both receivers refuse samples outside their retention or head block.
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let samples: [(value: Double, timestampMilliseconds: Int64)] = [
            (0.5, now - 2000), (1, now - 1000), (-2.25, now),
        ]
        var encoder = RemoteWriteEncoder()
        try encoder.append(labels: Self.labels, samples: samples)
        #expect(try await Self.post(Snappy.compress(encoder.finish()), port: port) == "204")

        // Ingested rows become searchable when VictoriaMetrics flushes them, which force_flush
        // asks for now instead of within seconds; the newest rows can still lag a moment, so
        // poll until all are there (or the attempts run out and the expectations say what is).
        var exported: [String: Any] = [:]
        for _ in 0..<300 {
            _ = try await Self.get("http://127.0.0.1:\(port)/internal/force_flush")
            let text = try await Self.get("http://127.0.0.1:\(port)/api/v1/export?match[]=nw_remote_write_test")
            if let line = text.split(separator: "\n").first {
                exported = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                if (exported["values"] as? [Double])?.count == samples.count { break }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(exported["metric"] as? [String: String] == Self.expectedLabels)
        #expect(exported["values"] as? [Double] == samples.map(\.value))
        #expect(exported["timestamps"] as? [Int64] == samples.map(\.timestampMilliseconds))
        await server.terminate()
    }

    @Test(.enabled(if: missingForPrometheus == nil, "\(missingForPrometheus ?? "")"))
    func prometheusStoresWhatWeSendAndHonoursTheStaleMarker() async throws {
        let directory = try TemporaryDirectory()
        let config = directory.path + "/prometheus.yml"
        try Data().write(to: URL(fileURLWithPath: config))  // no scrapes: it only receives
        let port = try Self.unusedLoopbackPort()
        let server = try await BackgroundProcess(
            [
                "prometheus", "--config.file=\(config)", "--web.listen-address=127.0.0.1:\(port)",
                "--storage.tsdb.path=\(directory.path)/data", "--web.enable-remote-write-receiver", "--log.level=warn",
            ],
            name: "prometheus"
        )
        try await server.waitUntilReady(timeout: .seconds(30)) {
            (try? await Self.get("http://127.0.0.1:\(port)/-/ready").contains("Ready")) == true
        }

        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var encoder = RemoteWriteEncoder()
        try encoder.append(
            labels: Self.labels,
            samples: [(1.5, now - 20_000), (RemoteWriteStaleMarker.value, now - 10_000)]
        )
        #expect(try await Self.post(Snappy.compress(encoder.finish()), port: port) == "204")

        // Before the marker the series has its value; after it, none (without the marker
        // Prometheus would keep returning 1.5 for its five-minute lookback).
        let before = try await Self.query(port: port, at: now - 15_000)
        #expect(before.map(\.labels) == [Self.expectedLabels])
        #expect(before.map(\.value) == ["1.5"])
        #expect(try await Self.query(port: port, at: now - 5_000).isEmpty)
        await server.terminate()
    }

    // MARK: helpers

    static func missing(_ programs: [LabProgram]) -> String? {
        let missing = programs.filter { !$0.isInstalled }
        return missing.isEmpty ? nil : "needs " + missing.map(\.description).joined(separator: ", ")
    }

    /// POSTs a remote write body with the spec's headers; returns the HTTP status.
    static func post(_ body: [UInt8], port: UInt16) async throws -> String {
        let headers = RemoteWriteHTTP.headers(userAgent: "netwarden-tests").flatMap {
            ["-H", "\($0.name): \($0.value)"]
        }
        let output = try await Command(
            ["curl", "-sS", "-o", "/dev/stderr", "-w", "%{http_code}", "--data-binary", "@-"] + headers
                + ["http://127.0.0.1:\(port)/api/v1/write"],
            standardInput: body
        ).run()
        return output.standardOutputText
    }

    static func get(_ url: String) async throws -> String {
        // -g: the brackets in `match[]` are literal, not a curl URL pattern.
        try await Command(["curl", "-sS", "-g", url]).run().standardOutputText
    }

    /// An instant query for the test series; each result's labels and value as Prometheus prints it.
    static func query(port: UInt16, at milliseconds: Int64) async throws -> [(labels: [String: String], value: String)]
    {
        let time = "\(milliseconds / 1000).\(String(milliseconds % 1000 + 1000).dropFirst())"
        let text = try await get("http://127.0.0.1:\(port)/api/v1/query?query=nw_remote_write_test&time=\(time)")
        let json = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
        let data = try #require(json["data"] as? [String: Any], "\(text)")
        let results = try #require(data["result"] as? [[String: Any]], "\(text)")
        return try results.map { result in
            let labels = try #require(result["metric"] as? [String: String], "\(text)")
            let value = try #require(result["value"] as? [Any], "\(text)")
            return (labels, try #require(value.last as? String, "\(text)"))
        }
    }

    /// A loopback port nothing listens on now (the kernel picks it; the server takes it next).
    static func unusedLoopbackPort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        try #require(bound, "bind/getsockname on loopback failed (errno \(errno))")
        return UInt16(bigEndian: address.sin_port)
    }
}

/// A directory under the system temporary directory, removed with everything in it on deinit.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "netwarden-remote-write-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
