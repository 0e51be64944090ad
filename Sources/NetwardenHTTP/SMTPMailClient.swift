import CCurl
import Glibc
import NetwardenCore

/// How `SMTPMailClient` reaches a mail server.
public struct SMTPMailSettings: Sendable {
    public enum Security: Sendable {
        /// STARTTLS, required: curl refuses to go on if the server does not offer it.
        case startTLS
        /// TLS from the first byte (`smtps://`, usually port 465).
        case implicitTLS
        /// No TLS at all (a local relay).
        case plain
    }

    public var host: String
    public var port: Int
    public var security: Security
    /// PEM CA bundle instead of the system store.
    public var caFile: String?
    public var username: String?
    public var password: Secret?
    public var timeout: Duration

    public init(
        host: String,
        port: Int,
        security: Security = .startTLS,
        caFile: String? = nil,
        username: String? = nil,
        password: Secret? = nil,
        timeout: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.caFile = caFile
        self.username = username
        self.password = password
        self.timeout = timeout
    }

    /// `smtp://host:port` (IPv6 literals in brackets).
    var url: String {
        let scheme = security == .implicitTLS ? "smtps" : "smtp"
        let name = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(name):\(port)"
    }

    /// What the mail server answered last (`250`), for the history.
    public struct Receipt: Sendable {
        public var responseCode: Int
    }
}

/// Sends mail over SMTP with libcurl: the same library, TLS stack and trust store as every
/// other connection the product makes, rather than a second client. STARTTLS is required
/// unless the settings say otherwise, certificates are verified, and AUTH happens only inside
/// TLS (curl picks PLAIN or LOGIN as the server offers).
///
/// Like `HTTPUploadClient`, transfers run one at a time on the client's own thread.
public final class SMTPMailClient: Sendable {
    public let settings: SMTPMailSettings
    private let worker: UploadWorkerThread<SMTPSession>

    public init(settings: SMTPMailSettings) throws(UploadError) {
        if let caFile = settings.caFile, access(caFile, R_OK) != 0 {
            throw UploadError(
                code: .configuration,
                message: "ca_file \(caFile) cannot be read: \(String(cString: strerror(errno)))"
            )
        }
        self.settings = settings
        worker = try UploadWorkerThread(context: SMTPSession(settings: settings))
    }

    /// Sends one message (`message` is the whole RFC 5322 text, CRLF line ends) to `recipients`.
    public func send(
        from: String,
        to recipients: [String],
        message: [UInt8]
    ) async -> Result<
        SMTPMailSettings.Receipt, UploadError
    > {
        let cancellation = TransferCancellation()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                worker.submit { session in
                    continuation.resume(
                        returning: session.send(
                            from: from,
                            to: recipients,
                            message: message,
                            cancellation: cancellation
                        )
                    )
                }
            }
        } onCancel: {
            cancellation.cancel()
        }
    }
}

/// The curl handle of one `SMTPMailClient`, confined to its thread.
final class SMTPSession {
    private let easy: CurlEasy
    private let settings: SMTPMailSettings
    private var body: [UInt8] = []
    private var offset = 0
    private var cancellation: TransferCancellation?

    init(settings: SMTPMailSettings) throws(UploadError) {
        self.settings = settings
        do {
            easy = try CurlEasy()
        } catch {
            throw UploadError(code: .internal, message: "could not create a curl handle", cause: error)
        }
        do {
            try configure()
        } catch {
            throw UploadError(
                code: .configuration,
                message: "libcurl refused an SMTP setting",
                curlCode: Int(error.code),
                cause: error
            )
        }
    }

    private func configure() throws(CurlError) {
        try easy.set(CURLOPT_NOSIGNAL, true)
        // The protocol trace would carry the AUTH exchange.
        try easy.set(CURLOPT_VERBOSE, false)
        try easy.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        try easy.set(CURLOPT_URL, settings.url)
        switch settings.security {
        case .startTLS, .implicitTLS: try easy.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        case .plain: try easy.set(CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue))
        }
        try easy.set(CURLOPT_SSL_VERIFYPEER, true)
        try easy.set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile = settings.caFile { try easy.set(CURLOPT_CAINFO, caFile) }
        if let username = settings.username, let password = settings.password {
            try easy.set(CURLOPT_USERNAME, username)
            try easy.set(CURLOPT_PASSWORD, password.revealed)
        }
        // Mail goes where the config says, never through an environment proxy.
        try easy.set(CURLOPT_PROXY, "")
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, Int(HTTPProbe.milliseconds(settings.timeout)))
        try easy.set(CURLOPT_TIMEOUT_MS, Int(HTTPProbe.milliseconds(settings.timeout)))
        try easy.set(CURLOPT_UPLOAD, true)
        let context = Unmanaged.passUnretained(self).toOpaque()
        try easy.set(CURLOPT_READDATA, pointer: context)
        try easy.setReadFunction { buffer, size, count, user in
            guard let buffer, let user else { return 0 }
            return Unmanaged<SMTPSession>.fromOpaque(user).takeUnretainedValue()
                .read(into: UnsafeMutableRawPointer(buffer), capacity: size * count)
        }
        try easy.set(CURLOPT_NOPROGRESS, false)
        try easy.set(CURLOPT_XFERINFODATA, pointer: context)
        try easy.setTransferInfoFunction { user, _, _, _, _ in
            guard let user else { return 0 }
            let session = Unmanaged<SMTPSession>.fromOpaque(user).takeUnretainedValue()
            return session.cancellation?.isCancelled == true ? 1 : 0
        }
    }

    private func read(into buffer: UnsafeMutableRawPointer, capacity: Int) -> Int {
        let count = min(capacity, body.count - offset)
        guard count > 0 else { return 0 }
        body.withUnsafeBytes { source in
            buffer.copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }

    func send(
        from: String,
        to recipients: [String],
        message: [UInt8],
        cancellation: TransferCancellation
    ) -> Result<SMTPMailSettings.Receipt, UploadError> {
        let target = "SMTP \(settings.host):\(settings.port)"
        let list = CurlHeaderList()
        for recipient in recipients {
            guard list.append("<\(recipient)>") else {
                return .failure(UploadError(code: .internal, message: "\(target): out of memory building recipients"))
            }
        }
        body = message
        offset = 0
        self.cancellation = cancellation
        defer {
            self.cancellation = nil
            body = []
            try? easy.set(CURLOPT_MAIL_RCPT, pointer: nil)
        }
        let code: CURLcode
        do {
            code = try withExtendedLifetime(list) {
                try easy.set(CURLOPT_MAIL_FROM, "<\(from)>")
                try easy.set(CURLOPT_MAIL_RCPT, pointer: UnsafeMutableRawPointer(list.pointer))
                try easy.set(CURLOPT_INFILESIZE_LARGE, offset: Int64(message.count))
                return easy.perform()
            }
        } catch {
            return .failure(
                UploadError(
                    code: .internal,
                    message: "\(target): libcurl refused a mail option",
                    curlCode: (error as? CurlError).map { Int($0.code) },
                    cause: error as? CurlError
                )
            )
        }
        guard code == CURLE_OK else {
            let detail = easy.errorDetail
            var words = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            if let password = settings.password, !password.isEmpty {
                words = UploadSession.replacing(password.revealed, with: "<redacted>", in: words)
            }
            let responseCode = easy.long(CURLINFO_RESPONSE_CODE) ?? 0
            if responseCode > 0 { words += " (server said \(responseCode))" }
            return .failure(
                UploadError(
                    code: UploadFailureClassification.code(
                        for: code,
                        message: words,
                        cancelled: cancellation.isCancelled
                    ),
                    message: "\(target): \(words)",
                    curlCode: Int(code.rawValue)
                )
            )
        }
        return .success(SMTPMailSettings.Receipt(responseCode: easy.long(CURLINFO_RESPONSE_CODE) ?? 0))
    }
}
