import Foundation
import NetwardenTestSupport
import Testing

/// Real clients in the lab (curl over HTTP/1.1, TLS 1.2 and TLS 1.3 with HTTP/2; dig over UDP and
/// TCP; kdig over TLS to unbound), captured on the gateway, analysed by `netwarden analyze`, and
/// cross-checked with tshark on the same capture.
@Suite(
    .requiresLab(.dnsmasq, .nginx, .tcpdump, .openssl, .curl, .dig, .kdig, .unbound),
    .enabled(if: DaemonUnderTest.isBuilt, "needs the netwarden binary (swift build)"),
    .timeLimit(.minutes(2))
)
struct CaptureRealClientsLabTests {
    typealias School = LabTopology.School
    static let webNames = ["www.lab.example", "tls12.lab.example", "h2.lab.example"]

    /// unbound answering DNS over TLS on 853 with a lab certificate.
    static func startUnbound(_ lab: Lab) async throws {
        let authority = try await lab.certificateAuthority()
        let issued = try await authority.issueServerCertificate(
            dnsNames: ["dot.lab.example"],
            ipAddresses: [School.serviceIPv4],
            fileName: "unbound"
        )
        let directory = lab.directory + "/unbound"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try """
        server:
            interface: \(School.serviceIPv4)@853
            tls-port: 853
            tls-service-key: "\(issued.keyPath)"
            tls-service-pem: "\(issued.certificatePath)"
            access-control: 0.0.0.0/0 allow
            do-daemonize: no
            username: ""
            chroot: ""
            directory: "\(directory)"
            pidfile: "\(directory)/unbound.pid"
            use-syslog: no
            logfile: ""
            do-ip6: no
            local-zone: "lab.example." static
            local-data: "dot.lab.example. A \(School.serviceIPv4)"
            local-data: "secret.lab.example. A \(School.serviceIPv4)"
        remote-control:
            control-enable: no
        """.write(toFile: directory + "/unbound.conf", atomically: true, encoding: .utf8)
        _ = try await lab.start(
            in: School.internet,
            ["unbound", "-d", "-c", directory + "/unbound.conf"],
            name: "unbound"
        )
        // Ready when 853 accepts connections.
        for _ in 0..<100 {
            let ready = try await lab.run(
                in: School.client,
                ["bash", "-c", "exec 3<>/dev/tcp/\(School.serviceIPv4)/853"],
                check: false
            )
            if ready.succeeded { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw LabError(code: .serverFailed, message: "unbound did not start listening on 853")
    }

    @Test func everyNameRealClientsSendIsFoundAndTsharkAgrees() async throws {
        try await Lab.with(.school) { lab in
            _ = try await lab.startDNSServer(
                in: School.internet,
                .init(records: [.a("udp.lab.example", School.serviceIPv4), .a("tcp.lab.example", School.serviceIPv4)])
            )
            let web = try await lab.startHTTPServer(
                in: School.internet,
                .init(routes: [.init("/", status: 200, body: "hello")], httpsPort: 443, serverNames: Self.webNames)
            )
            try await Self.startUnbound(lab)
            let ca = try #require(web.certificateAuthorityPath)
            let capture = try await lab.startCapture(in: School.gateway, interface: "lan0", name: "clients")

            let service = School.serviceIPv4
            func curl(_ arguments: [String]) async throws {
                let result = try await lab.run(
                    in: School.client,
                    ["curl", "-sS", "-o", "/dev/null", "--max-time", "10"] + arguments,
                    check: false
                )
                #expect(result.succeeded, "curl \(arguments): \(result.standardErrorText)")
            }
            try await curl(["--http1.1", "--resolve", "www.lab.example:80:\(service)", "http://www.lab.example/"])
            try await curl([
                "--http1.1", "--tlsv1.2", "--tls-max", "1.2", "--cacert", ca,
                "--resolve", "tls12.lab.example:443:\(service)", "https://tls12.lab.example/",
            ])
            try await curl([
                "--http2", "--tlsv1.3", "--cacert", ca, "--resolve", "h2.lab.example:443:\(service)",
                "https://h2.lab.example/",
            ])
            _ = try await lab.run(
                in: School.client,
                ["dig", "+short", "+time=2", "+tries=1", "@\(service)", "udp.lab.example"]
            )
            _ = try await lab.run(
                in: School.client,
                ["dig", "+short", "+tcp", "+time=2", "+tries=1", "@\(service)", "tcp.lab.example"]
            )
            let dot = try await lab.run(
                in: School.client,
                [
                    "kdig", "+tls", "+tls-hostname=dot.lab.example", "+tls-ca=\(ca)", "+time=3", "@\(service)",
                    "secret.lab.example",
                ],
                check: false
            )
            #expect(
                dot.standardOutputText.contains("NOERROR"),
                "kdig: \(dot.standardOutputText) \(dot.standardErrorText)"
            )
            let path = await capture.stop()

            // netwarden's view.
            let analyze = try await DaemonUnderTest(arguments: ["analyze", "--format", "json", path])
            #expect(try await analyze.waitForExit(timeout: .seconds(30)).status == 0)
            let objects = analyze.outputLines.compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            let names = objects.filter { $0["kind"] == nil }
            func seen(_ name: String, _ proto: String) -> [String: Any]? {
                names.first { $0["name"] as? String == name && $0["proto"] as? String == proto }
            }
            #expect(seen("www.lab.example", "http") != nil, "\(analyze.outputLines)")
            #expect(seen("tls12.lab.example", "tls") != nil)
            #expect((seen("h2.lab.example", "tls")?["alpn"] as? [String])?.contains("h2") == true)
            #expect(seen("udp.lab.example", "dns")?["transport"] as? String == "udp")
            #expect(seen("tcp.lab.example", "dns")?["transport"] as? String == "tcp")
            #expect(seen("dot.lab.example", "tls")?["dport"] as? Int == 853)
            // DNS over TLS is bypass evidence even without a resolver list.
            #expect(objects.contains { $0["kind"] as? String == "bypass_dot" }, "\(analyze.outputLines)")

            // tshark's view of the same capture, when tshark is here.
            guard LabProgram.tshark.isInstalled else { return }
            let tshark = try await lab.run(
                in: School.gateway,
                [
                    "tshark", "-r", path, "-T", "fields", "-E", "separator=,", "-e", "dns.qry.name",
                    "-e", "tls.handshake.extensions_server_name", "-e", "http.host",
                ]
            )
            let theirs = Set(
                tshark.standardOutputText.split(whereSeparator: { $0 == "\n" || $0 == "," })
                    .map { String($0.split(separator: ":").first ?? $0).lowercased() }.filter { !$0.isEmpty }
            )
            let ours = Set(names.compactMap { $0["name"] as? String })
            #expect(theirs == ours, "tshark: \(theirs.sorted()), netwarden: \(ours.sorted())")
        }
    }
}
