/// `[outputs]`: where the daemon delivers what it spools, as `[[outputs.remote_write]]`,
/// `[[outputs.loki]]` and `[[outputs.collector]]` blocks (key names fixed by the delivery
/// contract; see etc/netwarden/netwarden.toml).
///
/// No outputs (the default) means nothing leaves the gateway: samples stay in the local
/// outbox and /metrics, and nothing is spooled.
public struct OutputsSection: ConfigSection {
    public static let name = "outputs"

    public var outputs: [OutputSettings]

    public init(outputs: [OutputSettings] = []) { self.outputs = outputs }

    public static let defaults = OutputsSection()

    public init(from reader: ConfigTableReader) {
        var outputs: [OutputSettings] = []
        for kind in OutputSettings.Kind.allCases {
            for block in reader.tables(kind.rawValue) {
                outputs.append(OutputSettings(from: block, kind: kind))
                block.finish()
            }
        }
        var seen: Set<String> = []
        for output in outputs where !output.name.isEmpty && !seen.insert(output.name).inserted {
            reader.report(
                key: output.kind.rawValue,
                "output name `\(output.name)` is used twice; expected unique names (each keeps its own position in the spool)"
            )
        }
        self.outputs = outputs
    }
}

/// One destination: its protocol, URL, credentials (as file paths; the secrets are read when
/// the configuration is loaded) and delivery limits.
public struct OutputSettings: Sendable, Equatable {
    /// The protocol, also the `[[outputs.KIND]]` block name.
    public enum Kind: String, Sendable, CaseIterable {
        /// Prometheus remote write 1.0: metrics only.
        case remoteWrite = "remote_write"
        /// Loki push API: events only.
        case loki
        /// The netwarden collector's ingest API: metrics and events.
        case collector
    }

    public var kind: Kind
    public var name: String
    public var url: String
    /// Bearer token file (`remote_write`, `loki`), or the agent token file (`collector`).
    public var bearerTokenFile: String?
    public var basicAuthUser: String?
    public var basicAuthPasswordFile: String?
    /// CA bundle to verify the server with, instead of the system's.
    public var caFile: String?
    public var clientCertificateFile: String?
    public var clientKeyFile: String?
    public var proxy: String?
    /// Extra request headers (e.g. `X-Scope-OrgID` for a multi-tenant Mimir or Loki).
    public var headers: [String: String]
    /// Turns TLS verification off; for a lab only, and logged as a warning at every start.
    public var insecureSkipVerify: Bool
    public var connectTimeout: Duration
    public var timeout: Duration
    /// Most spool records per request (each holds one publish: one probe run, one link round).
    public var maxRecordsPerRequest: Int
    /// Soft cap on uncompressed request size.
    public var maxBytesPerRequest: Int
    public var minBackoff: Duration
    public var maxBackoff: Duration

    public init(kind: Kind, name: String, url: String) {
        self.kind = kind
        self.name = name
        self.url = url
        headers = [:]
        insecureSkipVerify = false
        connectTimeout = .seconds(10)
        timeout = .seconds(60)
        maxRecordsPerRequest = 2_000
        maxBytesPerRequest = 4 << 20
        minBackoff = .milliseconds(500)
        maxBackoff = .seconds(300)
    }

    private static let urlType = ConfigValueType<String>.string.checked { url in
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            return "`\(url)` is not an http:// or https:// URL"
        }
        if url.unicodeScalars.contains(where: { $0 == " " || $0.value < 0x21 || $0.value == 0x7f }) {
            return "the URL contains spaces or control characters"
        }
        return nil
    }

    private static let nameType = ConfigValueType<String>.string.checked(ConfigLabel.problem(with:))

    /// An RFC 9110 token: visible ASCII except separators.
    static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII && scalar.value > 0x20 && scalar.value < 0x7F
                    && !"\"(),/:;<=>?@[\\]{}".unicodeScalars.contains(scalar)
            }
    }

    private static let headerValueType = ConfigValueType<String>.string.checked { value in
        value.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
            ? "the header value contains control characters" : nil
    }

    init(from block: ConfigTableReader, kind: Kind) {
        let example: String
        switch kind {
        case .remoteWrite: example = "\"https://vm.example-trust.org/api/v1/write\""
        case .loki: example = "\"https://loki.example-trust.org/loki/api/v1/push\""
        case .collector: example = "\"https://collector.example-trust.org\""
        }
        self.init(
            kind: kind,
            name: block.required("name", Self.nameType, placeholder: "", example: "\"trust\""),
            url: block.required("url", Self.urlType, placeholder: "", example: example)
        )
        let path = DaemonSection.absolutePath
        if kind == .collector {
            let tokenFile = block.required(
                "token_file",
                path,
                placeholder: "",
                example: "\"/etc/netwarden/collector.token\""
            )
            bearerTokenFile = tokenFile.isEmpty ? nil : tokenFile
        } else {
            bearerTokenFile = block.optional("bearer_token_file", path)
            basicAuthUser = block.optional("basic_auth_user", .string)
            basicAuthPasswordFile = block.optional("basic_auth_password_file", path)
            if (basicAuthUser == nil) != (basicAuthPasswordFile == nil) {
                block.report(
                    key: basicAuthUser == nil ? "basic_auth_password_file" : "basic_auth_user",
                    "basic auth needs both basic_auth_user and basic_auth_password_file"
                )
            }
            if bearerTokenFile != nil && basicAuthUser != nil {
                block.report(key: "bearer_token_file", "choose bearer_token_file or basic auth, not both")
            }
        }
        caFile = block.optional("ca_file", path)
        clientCertificateFile = block.optional("client_certificate_file", path)
        clientKeyFile = block.optional("client_key_file", path)
        if (clientCertificateFile == nil) != (clientKeyFile == nil) {
            block.report(
                key: clientCertificateFile == nil ? "client_key_file" : "client_certificate_file",
                "a client certificate needs both client_certificate_file and client_key_file"
            )
        }
        proxy = block.optional("proxy", Self.urlType)
        insecureSkipVerify = block.bool("insecure_skip_verify", default: false)
        connectTimeout = block.seconds("connect_timeout_seconds", range: 0.5...300, default: connectTimeout)
        timeout = block.seconds("timeout_seconds", range: 1...3600, default: timeout)
        maxRecordsPerRequest = block.int("max_records_per_request", range: 1...100_000, default: maxRecordsPerRequest)
        maxBytesPerRequest = block.int("max_request_kib", range: 16...65_536, default: maxBytesPerRequest >> 10) << 10
        minBackoff = block.seconds("min_backoff_seconds", range: 0.01...60, default: minBackoff)
        maxBackoff = block.seconds("max_backoff_seconds", range: 0.1...3600, default: maxBackoff)
        let headerTable = block.table("headers")
        var headers: [String: String] = [:]
        for key in headerTable.table.keys {
            if !Self.isHeaderName(key) {
                headerTable.report(key: key, "`\(key)` is not an HTTP header name")
                _ = headerTable.optional(key, .string)
                continue
            }
            if let value = headerTable.optional(key, Self.headerValueType) { headers[key] = value }
        }
        headerTable.finish()
        self.headers = headers
    }
}
