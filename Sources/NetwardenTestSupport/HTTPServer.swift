import Foundation

/// What a lab nginx serves: fixed responses per exact path, over HTTP and optionally HTTPS with
/// a certificate from the lab's CA.
public struct HTTPServerConfiguration: Sendable {
    /// The response for one exact path.
    public struct Route: Sendable {
        public var path: String
        public var status: Int
        public var body: String
        public var contentType: String
        public var headers: [String: String]

        public init(
            _ path: String,
            status: Int = 200,
            body: String = "",
            contentType: String = "text/plain",
            headers: [String: String] = [:]
        ) {
            precondition(
                path.hasPrefix("/") && !path.contains(where: { $0 == " " || $0 == "\"" || $0 == "{" || $0 == ";" })
            )
            self.path = path
            self.status = status
            self.body = body
            self.contentType = contentType
            self.headers = headers
        }

        /// A redirect: `status` (301, 302, 307, 308) with a Location header.
        public static func redirect(_ path: String, to location: String, status: Int = 302) -> Route {
            Route(path, status: status, body: location)
        }
    }

    public var routes: [Route]
    /// Status for paths without a route.
    public var notFoundStatus: Int
    /// nil means every address of the host.
    public var listenAddresses: [String]?
    public var httpPort: UInt16
    /// HTTPS on this port with a lab-CA certificate; nil for plain HTTP only.
    public var httpsPort: UInt16?
    /// Names for the certificate (and `server_name`); the listen addresses are added as IP SANs.
    public var serverNames: [String]
    /// Who signs the HTTPS certificate; nil means the lab's CA. Another CA plays an
    /// HTTPS-intercepting filter.
    public var certificateAuthority: LabCertificateAuthority?

    public init(
        routes: [Route] = [Route("/", body: "netwarden lab\n")],
        notFoundStatus: Int = 404,
        listenAddresses: [String]? = nil,
        httpPort: UInt16 = 80,
        httpsPort: UInt16? = nil,
        serverNames: [String] = ["lab.example"]
    ) {
        self.routes = routes
        self.notFoundStatus = notFoundStatus
        self.listenAddresses = listenAddresses
        self.httpPort = httpPort
        self.httpsPort = httpsPort
        self.serverNames = serverNames
    }

    /// nginx.conf text. Everything nginx writes goes under `directory`; errors go to stderr so
    /// they show up in the BackgroundProcess output (and in a failed start's error).
    func configuration(directory: String, listen: [String], certificate: LabCertificateAuthority.Issued?) -> String {
        func quoted(_ text: String) -> String {
            // nginx strings: backslash escapes quotes and backslashes; `$` would start a
            // variable, so it goes through the `$dollar` variable defined below.
            "\""
                + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "$", with: "${dollar}") + "\""
        }
        func address(_ text: String) -> String { text.contains(":") ? "[\(text)]" : text }

        var server = ""
        for host in listen {
            server += "        listen \(address(host)):\(httpPort);\n"
            // http2 on the TLS listener: clients negotiate h2 by ALPN, as browsers do.
            if let httpsPort { server += "        listen \(address(host)):\(httpsPort) ssl http2;\n" }
        }
        server += "        server_name \(serverNames.joined(separator: " "));\n"
        if let certificate {
            server += "        ssl_certificate \(certificate.certificatePath);\n"
            // nginx 1.22 stops at TLS 1.2 unless told; clients today negotiate 1.3.
            server += "        ssl_protocols TLSv1.2 TLSv1.3;\n"
            server += "        ssl_certificate_key \(certificate.keyPath);\n"
        }
        for route in routes {
            server += "        location = \(route.path) {\n"
            server += "            default_type \(quoted(route.contentType));\n"
            for (name, value) in route.headers.sorted(by: { $0.key < $1.key }) {
                server += "            add_header \(name) \(quoted(value)) always;\n"
            }
            server += "            return \(route.status) \(quoted(route.body));\n"
            server += "        }\n"
        }
        server += "        location / { return \(notFoundStatus); }\n"

        return """
            daemon off;
            master_process on;
            worker_processes 1;
            pid \(directory)/nginx.pid;
            error_log stderr notice;
            events { worker_connections 256; }
            http {
                access_log \(directory)/access.log;
                client_body_temp_path \(directory)/tmp/body;
                proxy_temp_path \(directory)/tmp/proxy;
                fastcgi_temp_path \(directory)/tmp/fastcgi;
                uwsgi_temp_path \(directory)/tmp/uwsgi;
                scgi_temp_path \(directory)/tmp/scgi;
                geo $dollar { default "$"; }
                server {
            \(server)    }
            }

            """
    }
}

/// An nginx running inside a lab host.
public struct HTTPServer: Sendable {
    public var host: String
    public var addresses: [String]
    public var httpPort: UInt16
    public var httpsPort: UInt16?
    /// The lab CA certificate that signed the HTTPS certificate (nil without HTTPS).
    public var certificateAuthorityPath: String?
    /// The certificate nginx serves over HTTPS (nil without HTTPS).
    public var certificatePath: String?
    /// One line per request (nginx "combined" format).
    public var accessLogPath: String
    public var process: BackgroundProcess

    /// The access log lines so far.
    public func accessLog() -> [String] {
        ((try? String(contentsOfFile: accessLogPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Stops it now (the lab would on teardown).
    public func stop() async { await process.terminate() }
}

extension Lab {
    /// Starts nginx in `host` (`daemon off`, every path in the lab directory) and returns once
    /// each listen address accepts connections on every configured port.
    public func startHTTPServer(
        in host: String,
        _ configuration: HTTPServerConfiguration = .init()
    ) async throws
        -> HTTPServer
    {
        let directory = try makeDirectory("nginx-\(host)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(atPath: directory + "/tmp", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/logs", withIntermediateDirectories: true)
        let listen = configuration.listenAddresses ?? addresses(of: host)
        var certificate: LabCertificateAuthority.Issued?
        var authorityPath: String?
        if configuration.httpsPort != nil {
            let authority: LabCertificateAuthority
            if let chosen = configuration.certificateAuthority {
                authority = chosen
            } else {
                authority = try await certificateAuthority()
            }
            certificate = try await authority.issueServerCertificate(
                dnsNames: configuration.serverNames,
                ipAddresses: listen,
                fileName: "nginx-\(host)-\(UUID().uuidString.prefix(8))"
            )
            authorityPath = authority.certificatePath
        }
        let path = directory + "/nginx.conf"
        try configuration.configuration(directory: directory, listen: listen, certificate: certificate).write(
            toFile: path,
            atomically: true,
            encoding: .utf8
        )
        // -p: relative paths and the compiled-in log location resolve under the lab directory;
        // -e: the error log nginx opens before reading the config.
        let process = try await start(
            in: host,
            ["nginx", "-p", directory + "/", "-c", path, "-e", directory + "/logs/startup-error.log"],
            name: "nginx"
        )
        let ports = [configuration.httpPort] + (configuration.httpsPort.map { [$0] } ?? [])
        do {
            try await process.waitUntilReady(timeout: .seconds(15)) {
                let reachable = try? await self.withNamespace(host) {
                    listen.allSatisfy { address in ports.allSatisfy { LabSocket.canConnect(to: address, port: $0) } }
                }
                return reachable ?? false
            }
        } catch {
            throw LabError(
                code: .serverFailed,
                message: "nginx in \(host) did not start",
                cause: error as? CommandError
            )
        }
        return HTTPServer(
            host: host,
            addresses: listen,
            httpPort: configuration.httpPort,
            httpsPort: configuration.httpsPort,
            certificateAuthorityPath: authorityPath,
            certificatePath: certificate?.certificatePath,
            accessLogPath: directory + "/access.log",
            process: process
        )
    }
}
