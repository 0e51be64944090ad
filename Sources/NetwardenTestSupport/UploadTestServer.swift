import Foundation

/// A request the upload test server received, as it arrived on the wire.
public struct RecordedUploadRequest: Sendable {
    public var method: String
    /// As sent: `/path`, or `http://host:port/path` when a client used the server as a proxy.
    public var path: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The client's source port: requests with the same port came over one TCP connection.
    public var peerPort: Int

    /// The first value of header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// A throwaway HTTP(S) server on 127.0.0.1 (an ephemeral port, so parallel test runs never
/// collide) that records every POST and answers by path:
///
/// | path | answer |
/// |---|---|
/// | `/status/NNN` | status NNN with a short text body |
/// | `/retry-after/seconds` | 429, `Retry-After: 7` |
/// | `/retry-after/date` | 503, `Retry-After` an HTTP-date two minutes ahead |
/// | `/redirect` | 307 to `/elsewhere` |
/// | `/large-error` | 500 with a 20000-byte body |
/// | `/echo` | 200 with the request body |
/// | anything else | 204 |
///
/// In `.proxy` mode it is a CONNECT proxy instead, recording each tunnel's target.
public struct UploadTestServer: Sendable {
    /// What the server speaks.
    public enum Mode: Sendable {
        case http
        /// HTTPS with `certificate`; when `clientCA` is set, a client certificate it signed is
        /// required (mutual TLS).
        case https(certificate: LabCertificateAuthority.Issued, clientCA: String?)
        case proxy
    }

    public var port: UInt16
    public var process: BackgroundProcess
    public var mode: Mode

    /// `http://127.0.0.1:PORT` or `https://...`; no trailing slash.
    public var baseURL: String {
        if case .https = mode { return "https://127.0.0.1:\(port)" }
        return "http://127.0.0.1:\(port)"
    }

    /// Starts the server and returns once it listens. Prefer `with`, which also stops it.
    public static func start(_ mode: Mode, directory: String) async throws -> UploadTestServer {
        let script = directory + "/upload-test-server.py"
        if !FileManager.default.fileExists(atPath: script) {
            try UploadTestServerScript.source.write(toFile: script, atomically: true, encoding: .utf8)
        }
        var arguments = ["python3", "-u", script]
        switch mode {
        case .http: arguments += ["http", "-", "-", "-"]
        case .https(let certificate, let clientCA):
            arguments += ["tls", certificate.certificatePath, certificate.keyPath, clientCA ?? "-"]
        case .proxy: arguments += ["proxy", "-", "-", "-"]
        }
        let process = try await BackgroundProcess(arguments, name: "upload test server")
        do {
            let line = try await process.waitForLine(timeout: .seconds(15)) { $0.hasPrefix("listening ") }
            let record = try JSONSerialization.jsonObject(with: Data(line.utf8.dropFirst("listening ".count)))
            guard let port = (record as? [String: Any])?["port"] as? Int else {
                throw LabError(code: .serverFailed, message: "upload test server printed \(line)")
            }
            return UploadTestServer(port: UInt16(port), process: process, mode: mode)
        } catch {
            await process.terminate()
            throw error
        }
    }

    /// Runs `body` with a started server and stops the server afterwards, also when `body`
    /// throws or the test is cancelled.
    public static func with<T>(
        _ mode: Mode,
        directory: String,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (UploadTestServer) async throws -> T
    ) async throws -> T {
        let server = try await start(mode, directory: directory)
        let result: Result<T, any Error>
        do {
            result = .success(try await body(server))
        } catch {
            result = .failure(error)
        }
        // Unstructured: a cancelled test task must still get its server stopped.
        await Task { await server.stop() }.value
        return try result.get()
    }

    public func stop() async { await process.terminate(grace: .seconds(1)) }

    /// Every request received so far, in arrival order.
    public func requests() -> [RecordedUploadRequest] {
        records(kind: "request").map { record in
            RecordedUploadRequest(
                method: record["method"] as? String ?? "",
                path: record["path"] as? String ?? "",
                headers: (record["headers"] as? [[String]] ?? []).compactMap {
                    $0.count == 2 ? (name: $0[0], value: $0[1]) : nil
                },
                body: Self.bytes(hex: record["body"] as? String ?? ""),
                peerPort: record["peerPort"] as? Int ?? 0
            )
        }
    }

    /// The requests received so far once there are at least `count`: the server prints each
    /// request before answering it, but its output reaches us through a pipe, possibly after
    /// the client already has the answer. Throws after `timeout` with the server's output.
    public func requests(
        atLeast count: Int,
        timeout: Duration = .seconds(10)
    ) async throws
        -> [RecordedUploadRequest]
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            let received = requests()
            if received.count >= count { return received }
            if ContinuousClock.now >= deadline {
                throw LabError(
                    code: .serverFailed,
                    message: "upload test server saw \(received.count) of \(count) requests:\n\(output)"
                )
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// CONNECT targets (`host:port`) a proxy-mode server was asked for.
    public func proxyTargets() -> [String] { records(kind: "proxy").compactMap { $0["target"] as? String } }

    /// TLS handshakes the server refused (for example a missing client certificate).
    public func failedHandshakes() -> [String] {
        records(kind: "handshake-failed").compactMap { $0["error"] as? String }
    }

    /// Everything the server printed, for a failing test's message.
    public var output: String { process.lines.map(\.description).joined(separator: "\n") }

    private func records(kind: String) -> [[String: Any]] {
        process.lines.filter { !$0.isStandardError && $0.text.hasPrefix(kind + " ") }.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.text.utf8.dropFirst(kind.count + 1)))) as? [String: Any]
        }
    }

    private static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count - 1, by: 2).compactMap {
            UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)
        }
    }
}
