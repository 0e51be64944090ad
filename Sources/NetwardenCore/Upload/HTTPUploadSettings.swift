/// How the HTTP transport of one `[[outputs.*]]` reaches its server: trust, credentials, proxy,
/// timeouts and extra headers. Config maps each output's keys onto it:
///
/// | config key | field |
/// |---|---|
/// | `url` | not here: the uploader puts it on each `UploadRequest` |
/// | `bearer_token_file` | `bearerToken` (the caller reads the file) |
/// | `basic_auth_user`, `basic_auth_password_file` | `basicAuth` (the caller reads the file) |
/// | `ca_file` | `caFile` |
/// | `client_certificate_file`, `client_key_file` | `clientCertificateFile`, `clientKeyFile` |
/// | `proxy` | `proxy` |
/// | `headers` | `headers` |
/// | `connect_timeout_seconds`, `timeout_seconds` | `connectTimeout`, `timeout` |
/// | `insecure_skip_verify` | `insecureSkipVerify` |
///
/// Pure values with no libcurl types, so config code in NetwardenCore can build and validate
/// it; `HTTPUploadClient` turns it into curl options.
public struct HTTPUploadSettings: Sendable {
    /// A user name and password for HTTP Basic authentication.
    public struct BasicAuth: Sendable, Hashable {
        public var user: String
        public var password: Secret

        public init(user: String, password: Secret) {
            self.user = user
            self.password = password
        }
    }

    /// Sent as `Authorization: Bearer ...`. Exclusive with `basicAuth`.
    public var bearerToken: Secret?
    public var basicAuth: BasicAuth?
    /// PEM file of the CA(s) to trust instead of the system store (a trust's private CA).
    public var caFile: String?
    /// PEM client certificate (and chain) for servers that require mutual TLS.
    public var clientCertificateFile: String?
    /// PEM private key of `clientCertificateFile`; nil when the key is in the certificate file.
    public var clientKeyFile: String?
    /// Proxy URL (`http://proxy.school.internal:3128`, `socks5h://...`). nil means no proxy at
    /// all: the `http_proxy`/`https_proxy`/`all_proxy` environment variables are deliberately
    /// ignored, so the service and a technician's shell behave the same and a stray variable
    /// cannot send telemetry (and credentials) somewhere unexpected.
    public var proxy: String?
    /// Time allowed for DNS, TCP and TLS together.
    public var connectTimeout: Duration
    /// Time allowed for the whole request, connection included.
    public var timeout: Duration
    /// A transfer slower than `lowSpeedBytesPerSecond` for `lowSpeedPeriod` is abandoned as a
    /// timeout, which catches a stalled connection long before `timeout`. Whole seconds (curl's
    /// granularity), at least one.
    public var lowSpeedBytesPerSecond: Int
    public var lowSpeedPeriod: Duration
    /// Turns off certificate and host name checks. For lab use only; the daemon should log a
    /// warning when it is set.
    public var insecureSkipVerify: Bool
    /// Extra headers on every request (tenant ids such as `X-Scope-OrgID`, API keys). Values are
    /// never logged.
    public var headers: [HTTPHeaderField]
    public var userAgent: String
    /// How much of a response body is kept for error messages.
    public var responseBodyLimit: Int

    public init(
        bearerToken: Secret? = nil,
        basicAuth: BasicAuth? = nil,
        caFile: String? = nil,
        clientCertificateFile: String? = nil,
        clientKeyFile: String? = nil,
        proxy: String? = nil,
        connectTimeout: Duration = .seconds(10),
        timeout: Duration = .seconds(60),
        lowSpeedBytesPerSecond: Int = 1,
        lowSpeedPeriod: Duration = .seconds(30),
        insecureSkipVerify: Bool = false,
        headers: [HTTPHeaderField] = [],
        userAgent: String = "netwarden/\(NetwardenVersion.string)",
        responseBodyLimit: Int = 4096
    ) {
        self.bearerToken = bearerToken
        self.basicAuth = basicAuth
        self.caFile = caFile
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
        self.proxy = proxy
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.lowSpeedBytesPerSecond = lowSpeedBytesPerSecond
        self.lowSpeedPeriod = lowSpeedPeriod
        self.insecureSkipVerify = insecureSkipVerify
        self.headers = headers
        self.userAgent = userAgent
        self.responseBodyLimit = responseBodyLimit
    }

    /// Every reason these settings cannot work, worded for a technician; empty when they can.
    /// Checks what needs no file system (files are checked when the transport is made).
    public var problems: [String] {
        var problems: [String] = []
        if bearerToken != nil && basicAuth != nil {
            problems.append("bearer_token_file and basic_auth_user are both set; choose one")
        }
        if bearerToken?.isEmpty == true { problems.append("the bearer token is empty") }
        if let basicAuth, basicAuth.user.contains(":") {
            problems.append("basic_auth_user must not contain ':'")
        }
        if clientKeyFile != nil && clientCertificateFile == nil {
            problems.append("client_key_file is set without client_certificate_file")
        }
        if connectTimeout <= .zero { problems.append("connect_timeout_seconds must be more than zero") }
        if timeout <= .zero { problems.append("timeout_seconds must be more than zero") }
        if lowSpeedPeriod < .seconds(1) { problems.append("the low-speed period must be at least one second") }
        if lowSpeedBytesPerSecond < 0 { problems.append("the low-speed limit must not be negative") }
        if responseBodyLimit < 0 { problems.append("the response body limit must not be negative") }
        for header in headers { if let problem = header.problem { problems.append(problem) } }
        // Framing headers belong to the transport; a configured copy would contradict the body.
        let reserved = ["content-type", "content-encoding", "content-length", "transfer-encoding", "host", "expect"]
        for header in headers where reserved.contains(header.name.lowercased()) {
            problems.append("header '\(header.name)' is set by netwarden itself and cannot be configured")
        }
        // A hand-written Authorization (a vendor's own scheme) is fine on its own, not next to ours.
        if bearerToken != nil || basicAuth != nil,
            let header = headers.first(where: { $0.name.lowercased() == "authorization" })
        {
            problems.append("header '\(header.name)' conflicts with bearer_token_file or basic_auth_user")
        }
        return problems
    }
}
