import Foundation
import GRDB
import Glibc
import NetwardenCompression
import NetwardenTestSupport
import Testing

/// The real `netwarden-collector` binary on a loopback port from a closed-port helper, with
/// its own config and SQLite file in a scratch directory. The process runs in its own process
/// group and is SIGKILLed when this object goes away, so a failing test never leaves it behind.
final class CollectorUnderTest: @unchecked Sendable {
    // @unchecked: `process` is replaced only by start()/kill9() from the owning test task.

    /// Next to the test bundle, like the daemon's binary.
    static var binaryPath: String {
        URL(fileURLWithPath: DaemonUnderTest.binaryPath).deletingLastPathComponent()
            .appendingPathComponent("netwarden-collector").path
    }

    static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: binaryPath) }

    let directory: TemporaryDirectory
    let port: UInt16
    var configPath: String { directory.path + "/collector.toml" }
    var databasePath: String { directory.path + "/collector.sqlite" }
    /// Set when the config gives `[server]` a certificate: requests go over https.
    let usesTLS: Bool
    var baseURL: String { "\(usesTLS ? "https" : "http")://127.0.0.1:\(port)" }
    private(set) var process: BackgroundProcess?
    /// Extra curl options for every request (`--cacert` for a TLS collector).
    var curlOptions: [String] = []

    /// `server`, `retention` and `ingest` are extra lines for those sections; `extra` is appended
    /// to the config (alerting sections, for example).
    init(ingest: String = "", server: String = "", retention: String = "", extra: String = "") throws {
        directory = try TemporaryDirectory(prefix: "nw-collector")
        port = try SilentTCPListener.closedPort()
        usesTLS = server.contains("tls_certificate")
        try """
        [server]
        listen = "127.0.0.1:\(port)"
        \(server)

        [storage]
        database = "\(databasePath)"

        [retention]
        \(retention)

        [ingest]
        \(ingest)

        \(extra)
        """.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    deinit { process?.signal(SIGKILL) }

    /// Starts the server and waits until it accepts connections.
    func start() async throws {
        let process = try await BackgroundProcess(
            [Self.binaryPath, "run", "--config", configPath],
            name: "netwarden-collector"
        )
        self.process = process
        try await process.waitForLine(containing: "listening on", timeout: .seconds(20))
    }

    func stop() async {
        _ = await process?.terminate()
    }

    /// kill -9: no chance to flush or close anything.
    func kill9() async throws {
        guard let process else { return }
        process.signal(SIGKILL)
        _ = try await process.waitForExit(timeout: .seconds(10))
    }

    /// Runs an admin subcommand against this collector's database and returns its stdout.
    @discardableResult
    func admin(_ arguments: String...) async throws -> CommandOutput {
        try await Command([Self.binaryPath] + arguments + ["--config", configPath]).run()
    }

    func addAgent(_ name: String) async throws -> String {
        try await admin("agent", "add", name).standardOutputText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func addUser(_ name: String) async throws -> String {
        try await admin("user", "add", name).standardOutputText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// One HTTP exchange as curl sees it.
    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    /// An HTTP request with curl (a real, independent client). `body` is sent as is.
    func request(
        _ method: String,
        _ path: String,
        body: [UInt8]? = nil,
        headers: [String: String] = [:],
        extra: [String] = []
    ) async throws -> Reply {
        let stamp = UUID().uuidString
        let bodyFile = directory.path + "/req-\(stamp)"
        let headerFile = directory.path + "/hdr-\(stamp)"
        let responseFile = directory.path + "/rsp-\(stamp)"
        defer {
            for file in [bodyFile, headerFile, responseFile] { unlink(file) }
        }
        var argv = ["curl", "-sS", "--max-time", "20", "-X", method, "-o", responseFile, "-D", headerFile]
        argv += ["-w", "%{http_code}"]
        for (name, value) in headers { argv += ["-H", "\(name): \(value)"] }
        if let body {
            try Data(body).write(to: URL(fileURLWithPath: bodyFile))
            argv += ["--data-binary", "@" + bodyFile]
        }
        argv += curlOptions + extra + [baseURL + path]
        let output = try await Command(argv, timeout: .seconds(30)).run(check: false)
        let status = Int(output.standardOutputText.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        var parsed: [String: String] = [:]
        let headerText = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        for line in headerText.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            parsed[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let responseBody = (try? String(contentsOfFile: responseFile, encoding: .utf8)) ?? ""
        return Reply(status: status, headers: parsed, body: responseBody)
    }

    /// `POST /api/v1/ingest` the way the daemon does it: gzip NDJSON with a bearer token.
    func ingest(
        _ ndjson: String,
        token: String?,
        gzip: Bool = true,
        contentType: String = "application/x-ndjson"
    ) async throws -> Reply {
        var headers = ["Content-Type": contentType]
        if gzip { headers["Content-Encoding"] = "gzip" }
        if let token { headers["Authorization"] = "Bearer \(token)" }
        let bytes = Array(ndjson.utf8)
        return try await request("POST", "/api/v1/ingest", body: gzip ? Gzip.compress(bytes) : bytes, headers: headers)
    }

    /// A number from the database, read with SQLite itself (read-only, beside the running server).
    func count(_ sql: String) throws -> Int {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: databasePath, configuration: configuration)
        return try queue.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }

    /// Every stored (record id) of samples and events, with how often each is there.
    func storedRecordCounts() throws -> [String: Int] {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: databasePath, configuration: configuration)
        return try queue.read { db in
            var counts: [String: Int] = [:]
            for id in try String.fetchAll(db, sql: "SELECT record_id FROM sample_records") {
                counts[id, default: 0] += 1
            }
            for id in try String.fetchAll(db, sql: "SELECT event_id FROM events") { counts[id, default: 0] += 1 }
            // A sample group's rows must be there once: no (record, series) twice.
            let doubled = try String.fetchAll(
                db,
                sql: "SELECT record_id FROM samples GROUP BY record_id, name, labels HAVING COUNT(*) > 1"
            )
            for id in doubled { counts[id, default: 0] += 1000 }
            return counts
        }
    }
}

/// Ingest bodies built by hand, with record ids the test chooses.
enum TestBatch {
    static func identity(_ trust: String, _ site: String, _ gateway: String) -> String {
        #"{"trust":"\#(trust)","site":"\#(site)","gateway":"\#(gateway)"}"#
    }

    static func header(agent: String, batch: Int, records: Int) -> String {
        #"{"type":"batch","version":1,"agent":\#(agent),"batch":\#(batch),"records":\#(records)}"#
    }

    static func samples(id: String, ts: Int64, identity: String, probe: String = "vle", value: String = "1") -> String {
        #"{"type":"samples","id":"\#(id)","ts":\#(ts),"identity":\#(identity),"samples":[{"name":"probe_success","labels":{"probe":"\#(probe)","kind":"http","target":"https://vle.example/"},"value":\#(value)},{"name":"probe_duration_seconds","labels":{"probe":"\#(probe)","kind":"http"},"value":0.25}]}"#
    }

    static func event(
        id: String,
        ts: Int64,
        trust: String,
        site: String,
        gateway: String,
        kind: String = "filter_leak",
        subject: String = "casino.example"
    ) -> String {
        #"{"type":"event","event":{"ts":\#(ts),"id":"\#(id)","trust":"\#(trust)","site":"\#(site)","gateway":"\#(gateway)","kind":"\#(kind)","severity":"error","subject":"\#(subject)","evidence":"TLS handshake completed with 203.0.113.7:443","attributes":{"category":"gambling","method":"tls_handshake"}}}"#
    }

    /// A batch from oak-primary's gw1 with `sampleIDs` sample groups and `eventIDs` events.
    static func oak(batch: Int, sampleIDs: [String], eventIDs: [String] = [], ts: Int64 = nowMilliseconds()) -> String {
        let who = identity("oak-trust", "oak-primary", "gw1")
        var lines = [header(agent: who, batch: batch, records: sampleIDs.count + eventIDs.count)]
        lines += sampleIDs.map { samples(id: $0, ts: ts, identity: who) }
        lines += eventIDs.map { event(id: $0, ts: ts, trust: "oak-trust", site: "oak-primary", gateway: "gw1") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func nowMilliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

/// Skips a test when the binaries are not built (swift build builds them with the tests).
let collectorBuilt = CollectorUnderTest.isBuilt
