import Foundation
import Glibc
import NetwardenTestSupport

/// Pieces the alerting end-to-end tests share: alert events built by hand, a probe target that
/// can be stopped and started on the same port, the SMTP sink, and JSON helpers.
enum AlertingTestSupport {
    static func alertEvent(
        id: String,
        firing: Bool,
        site: String = "oak-primary",
        alertname: String = "probe_down",
        probe: String = "vle",
        since: Int64,
        ts: Int64
    ) -> String {
        let kind = firing ? "alert_firing" : "alert_resolved"
        let severity = firing ? "critical" : "notice"
        let state = firing ? "firing" : "resolved"
        return
            #"{"type":"event","event":{"ts":\#(ts),"id":"\#(id)","trust":"oak-trust","site":"\#(site)","gateway":"gw1","kind":"\#(kind)","severity":"\#(severity)","subject":"\#(alertname)","evidence":"probe_success{probe=\"\#(probe)\"} = 0 (below 1) for 3 intervals","attributes":{"alertname":"\#(alertname)","probe":"\#(probe)","state":"\#(state)","since":"\#(since)"}}}"#
    }

    /// One batch from oak-primary's agent carrying `events`.
    static func batch(_ number: Int, _ events: [String]) -> String {
        let who = TestBatch.identity("oak-trust", "oak-primary", "gw1")
        return ([TestBatch.header(agent: who, batch: number, records: events.count)] + events).joined(separator: "\n")
            + "\n"
    }

    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    static func json(_ bytes: [UInt8]) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
    }

    /// Polls until `check` is true or `timeout` passes; returns whether it became true.
    static func eventually(
        timeout: Duration,
        _ check: () async throws -> Bool
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await check() { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return try await check()
    }

    /// The Fixtures directory next to this file's folder.
    static var fixtures: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").path
    }
}

/// A TCP service on a fixed loopback port that accepts and closes every connection: a TCP
/// probe's target that the test takes down (the process ends, connections are refused) and
/// brings back on the same port.
final class TCPProbeTarget: @unchecked Sendable {
    // @unchecked: `process` is replaced only by start()/stop() from the owning test task.
    let port: UInt16
    private var process: BackgroundProcess?

    init() throws { port = try SilentTCPListener.closedPort() }

    deinit { process?.signal(SIGKILL) }

    func start() async throws {
        let script = """
            import socket
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", \(port)))
            s.listen(64)
            print("listening", flush=True)
            while True:
                c, _ = s.accept()
                c.close()
            """
        let process = try await BackgroundProcess(["python3", "-u", "-c", script], name: "probe target")
        self.process = process
        try await process.waitForLine(containing: "listening", timeout: .seconds(15))
    }

    func stop() async {
        _ = await process?.terminate(grace: .seconds(1))
        process = nil
    }
}

/// aiosmtpd with required STARTTLS (a lab CA's certificate) and AUTH.
struct SMTPSink {
    let port: UInt16
    let process: BackgroundProcess

    /// Asked when a test runs, not at discovery (nothing may wait for a program there), once
    /// per test process.
    static func isAvailable() async -> Bool { await availability.value }

    private static let availability = Task<Bool, Never> {
        (try? await Command(["python3", "-c", "import aiosmtpd"], timeout: .seconds(20)).run(check: false))?.succeeded
            == true
    }

    static func start(
        certificate: LabCertificateAuthority.Issued,
        user: String,
        password: String
    ) async throws
        -> SMTPSink
    {
        let port = try SilentTCPListener.closedPort()
        let process = try await BackgroundProcess(
            [
                "python3", "-u", AlertingTestSupport.fixtures + "/smtp_sink.py", "\(port)", certificate.certificatePath,
                certificate.keyPath, user, password,
            ],
            name: "smtp sink"
        )
        try await process.waitForLine(containing: "listening", timeout: .seconds(20))
        return SMTPSink(port: port, process: process)
    }

    func records(_ kind: String) -> [[String: Any]] {
        process.lines.filter { !$0.isStandardError && $0.text.hasPrefix(kind + " ") }.map {
            AlertingTestSupport.json(String($0.text.dropFirst(kind.count + 1)))
        }
    }

    var output: String { process.lines.map(\.description).joined(separator: "\n") }
}
