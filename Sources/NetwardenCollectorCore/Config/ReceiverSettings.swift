import NetwardenCore

/// One `[[receiver]]` block: where notifications go and how.
///
/// Secrets live in files (`url_file`, `password_file`) so the config can be world-readable and
/// checked into a trust's repository; the files are read when the delivery service starts.
public struct ReceiverSettings: Sendable, Equatable {
    /// The four kinds the alerting contract names.
    public enum Kind: String, Sendable, CaseIterable {
        case webhook
        case slack
        case teams
        case email
    }

    /// How an email receiver protects its SMTP session.
    public enum TLSMode: String, Sendable, CaseIterable {
        /// STARTTLS required: refuse to send if the server does not offer it (the default).
        case starttls
        /// Implicit TLS from the first byte (`smtps://`, port 465).
        case tls
        /// Plain SMTP: only for a relay on the same host or a trusted segment.
        case none
    }

    /// SMTP settings of an `email` receiver.
    public struct Email: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var from: String
        public var to: [String]
        public var tls: TLSMode
        public var username: String?
        /// A file holding the password (first line, surrounding whitespace dropped).
        public var passwordFile: String?

        public init(
            host: String,
            port: Int = 587,
            from: String,
            to: [String],
            tls: TLSMode = .starttls,
            username: String? = nil,
            passwordFile: String? = nil
        ) {
            self.host = host
            self.port = port
            self.from = from
            self.to = to
            self.tls = tls
            self.username = username
            self.passwordFile = passwordFile
        }
    }

    public var name: String
    public var kind: Kind
    /// The webhook, Slack or Teams URL, when written in the config.
    public var url: String?
    /// A file holding the URL (Slack and Teams URLs are credentials).
    public var urlFile: String?
    public var email: Email?
    /// PEM CA bundle to trust instead of the system store (a trust's private CA, a test CA).
    public var caFile: String?
    public var timeout: Duration
    /// Attempts per notification, the first included, before it is recorded as failed.
    public var maximumAttempts: Int

    public init(
        name: String,
        kind: Kind,
        url: String? = nil,
        urlFile: String? = nil,
        email: Email? = nil,
        caFile: String? = nil,
        timeout: Duration = .seconds(15),
        maximumAttempts: Int = 5
    ) {
        self.name = name
        self.kind = kind
        self.url = url
        self.urlFile = urlFile
        self.email = email
        self.caFile = caFile
        self.timeout = timeout
        self.maximumAttempts = maximumAttempts
    }

    static let urlType = ConfigValueType<String>.string.checked { url in
        let lower = url.lowercased()
        return lower.hasPrefix("https://") || lower.hasPrefix("http://")
            ? nil : "`\(UploadRequest.displayURL(url))` is not an http(s) URL; expected https://..."
    }

    /// Why `address` cannot go into an SMTP envelope, or nil. Angle brackets and line breaks
    /// would let a value inject SMTP commands or headers.
    static func addressProblem(_ address: String) -> String? {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        let bad =
            parts.count != 2 || parts[0].isEmpty || parts[1].isEmpty
            || address.contains(where: { $0 == "<" || $0 == ">" || $0 == "\r" || $0 == "\n" || $0 == " " })
        return bad ? "`\(address)` is not an email address; expected user@example.org" : nil
    }

    static let addressType = ConfigValueType<String>.string.checked { addressProblem($0) }

    init(from block: ConfigTableReader) {
        name = block.required("name", .string, placeholder: "", example: "\"it-team\"")
        kind = block.required("kind", .oneOf(Kind.self), placeholder: .webhook, example: "\"webhook\"")
        url = block.optional("url", Self.urlType)
        urlFile = block.optional("url_file", ServerSection.absolutePath)
        caFile = block.optional("ca_file", ServerSection.absolutePath)
        timeout = block.seconds("timeout_seconds", range: 1...300, default: .seconds(15))
        maximumAttempts = block.int("max_attempts", range: 1...20, default: 5)
        let host = block.optional("smtp_host", .string)
        let port = block.int("smtp_port", range: 1...65_535, default: 587)
        let from = block.optional("from", Self.addressType)
        let to = block.optional("to", .strings())
        let tls = block.word("smtp_tls", default: TLSMode.starttls)
        let username = block.optional("username", .string)
        let passwordFile = block.optional("password_file", ServerSection.absolutePath)
        guard block.isPresent else { return }
        switch kind {
        case .webhook, .slack, .teams:
            if url == nil && urlFile == nil {
                block.report(
                    .missingKey,
                    key: "url",
                    "receiver `\(name)` (\(kind.rawValue)) has no url; expected url = \"https://...\" or url_file = \"/etc/...\""
                )
            } else if url != nil && urlFile != nil {
                block.report(key: "url_file", "set together with url; expected one of them")
            }
            for key in ["smtp_host", "from", "to", "username", "password_file"] where block.table[key] != nil {
                block.report(key: key, "only email receivers take \(key); this one is \(kind.rawValue)")
            }
        case .email:
            if url != nil || urlFile != nil {
                block.report(key: url != nil ? "url" : "url_file", "email receivers take smtp_host, not a URL")
            }
            if host == nil {
                block.report(
                    .missingKey,
                    key: "smtp_host",
                    "missing; expected a line like smtp_host = \"smtp.example.org\""
                )
            }
            if from == nil && block.table["from"] == nil {
                block.report(.missingKey, key: "from", "missing; expected a line like from = \"netwarden@example.org\"")
            }
            if let to {
                if to.isEmpty { block.report(key: "to", "empty; expected at least one address") }
                for address in to {
                    if let problem = Self.addressProblem(address) { block.report(key: "to", problem) }
                }
            } else if block.table["to"] == nil {
                block.report(.missingKey, key: "to", "missing; expected a line like to = [\"it@example.org\"]")
            }
            if (username == nil) != (passwordFile == nil) {
                block.report(
                    key: username == nil ? "password_file" : "username",
                    "expected both username and password_file (SMTP AUTH), or neither"
                )
            }
            if username != nil && tls == .none {
                block.report(
                    key: "smtp_tls",
                    "SMTP AUTH over plain text would expose the password; expected starttls or tls"
                )
            }
            email = Email(
                host: host ?? "",
                port: port,
                from: from ?? "",
                to: to ?? [],
                tls: tls,
                username: username,
                passwordFile: passwordFile
            )
        }
    }
}
