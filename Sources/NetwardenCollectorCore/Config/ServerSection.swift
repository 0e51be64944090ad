import NetwardenCore

/// `[server]`: where the collector listens, and its TLS certificate if it terminates TLS itself.
public struct ServerSection: ConfigSection {
    public static let name = "server"

    /// `host:port` (`[v6]:port`), checked by the daemon's own listen-address parser.
    public var listen: ListenAddress
    /// PEM certificate chain and key; both or neither. Without them the collector speaks plain
    /// HTTP (behind a TLS-terminating proxy, or on a trusted network).
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// Wrong passwords in a row (within 15 minutes) that lock a user name out of signing in; a
    /// client address is locked after four times as many.
    public var loginMaxFailures: Int
    /// The first lock's length; each further lock without a success in between doubles it (at
    /// most 15 minutes).
    public var loginLockoutSeconds: Int

    public init(
        listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 9814)!,
        tlsCertificate: String? = nil,
        tlsKey: String? = nil,
        loginMaxFailures: Int = 5,
        loginLockoutSeconds: Int = 60
    ) {
        self.listen = listen
        self.tlsCertificate = tlsCertificate
        self.tlsKey = tlsKey
        self.loginMaxFailures = loginMaxFailures
        self.loginLockoutSeconds = loginLockoutSeconds
    }

    /// The sign-in throttle these settings describe.
    public var loginPolicy: LoginThrottle.Policy {
        LoginThrottle.Policy(
            userFailures: loginMaxFailures,
            addressFailures: loginMaxFailures * 4,
            lockSeconds: Double(loginLockoutSeconds),
            maximumLockSeconds: max(900, Double(loginLockoutSeconds))
        )
    }

    public static let defaults = ServerSection()

    public var usesTLS: Bool { tlsCertificate != nil }

    /// Unlike the daemon's `[metrics] listen`, empty is not allowed: the server is the point.
    static let listenType = ConfigValueType<ListenAddress>(decode: { value in
        switch ConfigValueType<String>.string.decode(value) {
        case .failure(let problem): return .failure(problem)
        case .success(let text):
            switch ListenAddress.parseSetting(text) {
            case .success(let address?): return .success(address)
            case .success(nil):
                return .failure(ConfigValueProblem(.invalidValue, "empty; expected host:port such as 127.0.0.1:9814"))
            case .failure(let error): return .failure(ConfigValueProblem(.invalidValue, "`\(text)`: \(error.message)"))
            }
        }
    })

    static let absolutePath = ConfigValueType<String>.string.checked { path in
        path.hasPrefix("/") ? nil : "`\(path)` is not an absolute path; expected a path starting with /"
    }

    public init(from reader: ConfigTableReader) {
        listen = reader.value("listen", Self.listenType, default: Self.defaults.listen)
        tlsCertificate = reader.optional("tls_certificate", Self.absolutePath)
        tlsKey = reader.optional("tls_key", Self.absolutePath)
        loginMaxFailures = reader.int("login_max_failures", range: 1...100, default: Self.defaults.loginMaxFailures)
        loginLockoutSeconds = reader.int(
            "login_lockout_seconds",
            range: 1...3_600,
            default: Self.defaults.loginLockoutSeconds
        )
        if (tlsCertificate == nil) != (tlsKey == nil) {
            let missing = tlsCertificate == nil ? "tls_certificate" : "tls_key"
            let present = tlsCertificate == nil ? "tls_key" : "tls_certificate"
            reader.report(
                .missingKey,
                key: present,
                "set without \(missing); expected both tls_certificate and tls_key (PEM files), or neither"
            )
            tlsCertificate = nil
            tlsKey = nil
        }
    }
}
