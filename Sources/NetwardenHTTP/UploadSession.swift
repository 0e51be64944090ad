import CCurl
import Glibc
import NetwardenCore

/// The curl handle of one `HTTPUploadClient` and what a transfer collects, confined to the
/// client's upload thread: made on the creating thread, handed over once, used and freed there.
///
/// Options that never change (trust, credentials, proxy, timeouts, callbacks) are set once, so
/// curl keeps the connection (and TLS session) between posts; each post sets only its URL,
/// headers and body.
final class UploadSession {
    private let easy: CurlEasy
    private let settings: HTTPUploadSettings
    /// curl writes its detailed message ("Failed to connect to 127.0.0.1 port 9: Connection
    /// refused") here, which says far more than curl_easy_strerror.

    // What the current transfer has received; reset before each perform.
    private var headers: [HTTPHeaderField] = []
    private var bodyPrefix: [UInt8] = []
    private var bodyBytes: Int64 = 0
    private var cancellation: TransferCancellation?

    /// More header lines than this are counted out, not kept: a hostile server must not grow
    /// our memory without bound.
    private static let maximumHeaders = 100
    /// CURLAUTH_BEARER, a cast macro Swift cannot import.
    private static let curlAuthBearer = 1 << 6
    /// CURLAUTH_BASIC, likewise.
    private static let curlAuthBasic = 1 << 0

    init(settings: HTTPUploadSettings) throws(UploadError) {
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
                message: "libcurl refused an upload setting",
                curlCode: Int(error.code),
                cause: error
            )
        }
    }

    private func configure() throws(CurlError) {
        // Timeouts by poll, never by SIGALRM: this is a multi-threaded process.
        try easy.set(CURLOPT_NOSIGNAL, true)
        // The debug stream would carry request headers, Authorization included.
        try easy.set(CURLOPT_VERBOSE, false)
        try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
        // A redirect is an answer the uploader reports, never a reason to send the batch (and
        // credentials) somewhere else.
        try easy.set(CURLOPT_FOLLOWLOCATION, false)
        try easy.set(CURLOPT_POST, true)
        try easy.set(CURLOPT_SSL_VERIFYPEER, !settings.insecureSkipVerify)
        try easy.set(CURLOPT_SSL_VERIFYHOST, settings.insecureSkipVerify ? 0 : 2)
        if let caFile = settings.caFile { try easy.set(CURLOPT_CAINFO, caFile) }
        if let certificate = settings.clientCertificateFile {
            try easy.set(CURLOPT_SSLCERT, certificate)
            try easy.set(CURLOPT_SSLCERTTYPE, "PEM")
        }
        if let key = settings.clientKeyFile {
            try easy.set(CURLOPT_SSLKEY, key)
            try easy.set(CURLOPT_SSLKEYTYPE, "PEM")
        }
        // "" (not leaving the option unset) is what stops curl reading http_proxy, https_proxy
        // and all_proxy from the environment: only a configured proxy is ever used.
        try easy.set(CURLOPT_PROXY, settings.proxy ?? "")
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, Int(HTTPProbe.milliseconds(settings.connectTimeout)))
        try easy.set(CURLOPT_TIMEOUT_MS, Int(HTTPProbe.milliseconds(settings.timeout)))
        try easy.set(CURLOPT_LOW_SPEED_LIMIT, settings.lowSpeedBytesPerSecond)
        try easy.set(CURLOPT_LOW_SPEED_TIME, max(1, Int(settings.lowSpeedPeriod.components.seconds)))
        // Probes on an idle kept-alive connection keep NAT and firewall state between batches.
        try easy.set(CURLOPT_TCP_KEEPALIVE, true)
        try easy.set(CURLOPT_USERAGENT, settings.userAgent)
        if let token = settings.bearerToken {
            try easy.set(CURLOPT_HTTPAUTH, Self.curlAuthBearer)
            try easy.set(CURLOPT_XOAUTH2_BEARER, token.revealed)
        } else if let basic = settings.basicAuth {
            try easy.set(CURLOPT_HTTPAUTH, Self.curlAuthBasic)
            try easy.set(CURLOPT_USERNAME, basic.user)
            try easy.set(CURLOPT_PASSWORD, basic.password.revealed)
        }

        let context = Unmanaged.passUnretained(self).toOpaque()
        try easy.set(CURLOPT_WRITEDATA, pointer: context)
        try easy.setWriteFunction { data, size, count, user in
            let bytes = size * count
            guard let user, let data else { return bytes }
            Unmanaged<UploadSession>.fromOpaque(user).takeUnretainedValue()
                .receivedBody(UnsafeRawBufferPointer(start: data, count: bytes))
            return bytes
        }
        try easy.set(CURLOPT_HEADERDATA, pointer: context)
        try easy.setHeaderFunction { data, size, count, user in
            let bytes = size * count
            guard let user, let data else { return bytes }
            Unmanaged<UploadSession>.fromOpaque(user).takeUnretainedValue()
                .receivedHeaderLine(UnsafeRawBufferPointer(start: data, count: bytes))
            return bytes
        }
        try easy.set(CURLOPT_NOPROGRESS, false)
        try easy.set(CURLOPT_XFERINFODATA, pointer: context)
        try easy.setTransferInfoFunction { user, _, _, _, _ in
            guard let user else { return 0 }
            let session = Unmanaged<UploadSession>.fromOpaque(user).takeUnretainedValue()
            return session.cancellation?.isCancelled == true ? 1 : 0
        }
    }

    /// One POST, blocking until the response or a failure.
    func post(_ request: UploadRequest, cancellation: TransferCancellation) -> Result<UploadResponse, UploadError> {
        let target = "POST " + request.displayURL
        if cancellation.isCancelled {
            return .failure(UploadError(code: .cancelled, message: "\(target): cancelled before it started"))
        }
        var requestHeaders = request.headers
        requestHeaders.append(HTTPHeaderField("Content-Type", request.contentType))
        if let encoding = request.contentEncoding {
            requestHeaders.append(HTTPHeaderField("Content-Encoding", encoding))
        }
        if let problem = requestHeaders.lazy.compactMap(\.problem).first {
            return .failure(UploadError(code: .configuration, message: "\(target): \(problem)"))
        }
        let lines = CurlHeaderList()
        var headerLines = (settings.headers + requestHeaders).map { "\($0.name): \($0.value)" }
        // No "Expect: 100-continue" for larger bodies: it costs a round trip on every batch
        // (or a one-second stall with servers that ignore it), and a rejected batch is rare.
        headerLines.append("Expect:")
        for line in headerLines {
            guard lines.append(line) else {
                return .failure(UploadError(code: .internal, message: "\(target): out of memory building headers"))
            }
        }

        headers = []
        bodyPrefix = []
        bodyBytes = 0
        self.cancellation = cancellation
        defer { self.cancellation = nil }

        // curl reads the body in place; a zero-length POST still needs a valid pointer, or curl
        // would fall back to its read callback (stdin).
        let body = request.body.isEmpty ? [0] : request.body
        let code: CURLcode
        do {
            // curl keeps only pointers to the header list and the body: both must live until
            // perform returns (ARC may otherwise free `lines` right after its last use), and
            // neither pointer may stay set afterwards.
            defer {
                try? easy.set(CURLOPT_POSTFIELDS, pointer: nil)
                try? easy.set(CURLOPT_HTTPHEADER, pointer: nil)
            }
            code = try withExtendedLifetime(lines) {
                try easy.set(CURLOPT_URL, request.url)
                try easy.set(CURLOPT_HTTPHEADER, pointer: UnsafeMutableRawPointer(lines.pointer))
                try easy.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(request.body.count))
                return try body.withUnsafeBytes { buffer in
                    try easy.set(CURLOPT_POSTFIELDS, pointer: UnsafeMutableRawPointer(mutating: buffer.baseAddress))
                    return easy.perform()
                }
            }
        } catch {
            return .failure(
                UploadError(
                    code: .internal,
                    message: "\(target): libcurl refused a request option",
                    curlCode: (error as? CurlError).map { Int($0.code) },
                    cause: error as? CurlError
                )
            )
        }

        guard code == CURLE_OK else {
            let detail = easy.errorDetail
            let words = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            return .failure(
                UploadError(
                    code: UploadFailureClassification.code(
                        for: code,
                        message: words,
                        cancelled: cancellation.isCancelled
                    ),
                    message: redacted("\(target): \(words)"),
                    curlCode: Int(code.rawValue)
                )
            )
        }

        let retryAfter = headers.value(named: "Retry-After").flatMap {
            RetryAfter.delay($0, now: Self.wallClockSeconds())
        }
        return .success(
            UploadResponse(
                status: easy.long(CURLINFO_RESPONSE_CODE) ?? 0,
                headers: headers,
                retryAfter: retryAfter,
                bodyPrefix: bodyPrefix,
                bodyBytes: bodyBytes,
                bytesSent: easy.offset(CURLINFO_SIZE_UPLOAD_T) ?? 0,
                timings: HTTPPhaseTimings(
                    nameLookup: easy.seconds(CURLINFO_NAMELOOKUP_TIME_T),
                    connect: easy.seconds(CURLINFO_CONNECT_TIME_T),
                    appConnect: easy.seconds(CURLINFO_APPCONNECT_TIME_T),
                    startTransfer: easy.seconds(CURLINFO_STARTTRANSFER_TIME_T),
                    total: easy.seconds(CURLINFO_TOTAL_TIME_T)
                ),
                // NUM_CONNECTS counts connections this transfer had to open; none means reuse.
                connectionReused: easy.long(CURLINFO_NUM_CONNECTS) == 0,
                httpVersion: HTTPProbe.httpVersionName(easy.long(CURLINFO_HTTP_VERSION))
            )
        )
    }

    private func receivedBody(_ bytes: UnsafeRawBufferPointer) {
        bodyBytes += Int64(bytes.count)
        let room = settings.responseBodyLimit - bodyPrefix.count
        if room > 0 { bodyPrefix.append(contentsOf: bytes.prefix(room)) }
    }

    /// curl calls this once per complete header line, for every response it reads: a proxy's
    /// answer to CONNECT and any 1xx come before the final one, so a status line starts over.
    private func receivedHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        var line = bytes[...]
        while let last = line.last, last == 0x0A || last == 0x0D { line = line.dropLast() }
        if line.starts(with: Array("HTTP/".utf8)) {
            headers = []
            return
        }
        guard headers.count < Self.maximumHeaders, let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = String(decoding: line[..<colon], as: UTF8.self)
        let value = line[(colon + 1)...].drop(while: { $0 == 0x20 || $0 == 0x09 })
        headers.append(HTTPHeaderField(name, String(decoding: value, as: UTF8.self)))
    }

    /// Belt and braces: curl's messages do not quote credentials, but if one ever did, it must
    /// not reach a log line.
    private func redacted(_ message: String) -> String {
        var text = message
        for secret in [settings.bearerToken, settings.basicAuth?.password].compactMap({ $0 }) where !secret.isEmpty {
            text = Self.replacing(secret.revealed, with: "<redacted>", in: text)
        }
        return text
    }

    static func replacing(_ target: String, with replacement: String, in text: String) -> String {
        let needle = Array(target.utf8)
        let bytes = Array(text.utf8)
        guard !needle.isEmpty, bytes.count >= needle.count else { return text }
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if index + needle.count <= bytes.count, bytes[index..<index + needle.count].elementsEqual(needle) {
                out.append(contentsOf: replacement.utf8)
                index += needle.count
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func wallClockSeconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec)
    }
}
