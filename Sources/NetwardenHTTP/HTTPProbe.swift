import CCurl
import NetwardenCore

/// One HTTP(S) request through libcurl, timed the way blackbox_exporter times it.
///
/// Every run uses a new easy handle with FRESH_CONNECT and FORBID_REUSE, so each probe pays for
/// DNS, TCP and TLS as a pupil's first request would. `run()` blocks for up to `timeout`; the
/// scheduler runs each HTTP probe on its own thread, so one slow target never delays another.
public struct HTTPProbe: Sendable {
    public var url: String
    public var timeout: Duration
    /// `CURLOPT_INTERFACE` takes an interface name; we pass `if!NAME` so curl never falls back
    /// to treating it as a host name.
    public var interface: String?
    public var sourceAddress: String?
    public var ipPreference: IPPreference
    public var followRedirects: Bool
    public var maxRedirects: Int
    /// Statuses that count as success; empty means 200...399.
    public var acceptedStatuses: [Int]
    public var bodyMustContain: String?
    /// Extra trust anchor (PEM file), e.g. a school's filter CA or the test lab's CA.
    public var caFile: String?
    /// TLS verification is on unless a probe explicitly turns it off (and then it is logged).
    public var verifyTLS: Bool
    public var method: String
    public var userAgent: String
    /// Largest body kept for `bodyMustContain`; bytes beyond are counted, not kept.
    public var maxBodyBytes: Int

    public init(
        url: String,
        timeout: Duration = .seconds(10),
        interface: String? = nil,
        sourceAddress: String? = nil,
        ipPreference: IPPreference = .any,
        followRedirects: Bool = true,
        maxRedirects: Int = 5,
        acceptedStatuses: [Int] = [],
        bodyMustContain: String? = nil,
        caFile: String? = nil,
        verifyTLS: Bool = true,
        method: String = "GET",
        userAgent: String = "netwarden/\(NetwardenVersion.string)",
        maxBodyBytes: Int = 1 << 20
    ) {
        self.url = url
        self.timeout = timeout
        self.interface = interface
        self.sourceAddress = sourceAddress
        self.ipPreference = ipPreference
        self.followRedirects = followRedirects
        self.maxRedirects = maxRedirects
        self.acceptedStatuses = acceptedStatuses
        self.bodyMustContain = bodyMustContain
        self.caFile = caFile
        self.verifyTLS = verifyTLS
        self.method = method
        self.userAgent = userAgent
        self.maxBodyBytes = maxBodyBytes
    }

    /// What one request saw.
    public struct Result: Sendable {
        public var success = false
        public var failure: ProbeFailureReason?
        public var failureDetail: String?
        public var statusCode: Int?
        public var phases: HTTPPhaseTimings?
        public var totalSeconds: Double = 0
        /// curl's own CURLINFO_TOTAL_TIME, kept apart from `phases` so the two can be compared.
        public var curlTotalSeconds: Double = 0
        public var redirects = 0
        /// "TLS 1.3", "TLS 1.2", ... when the final connection used TLS.
        public var tlsVersion: String?
        /// Earliest "not after" in the served chain, seconds since the epoch.
        public var certificateExpiry: Int64?
        public var bodyBytes: Int64 = 0
        public var effectiveURL: String?
        public var remoteAddress: String?
        public var httpVersion: String?
    }

    public func run() -> Result {
        var result = Result()
        let collector = TransferCollector(maxBodyBytes: bodyMustContain == nil ? 0 : maxBodyBytes)
        let easy: CurlEasy
        do {
            easy = try CurlEasy()
            try configure(easy, collector: collector)
        } catch {
            result.failure = .error
            result.failureDetail = error.description
            return result
        }
        let code = withExtendedLifetime(collector) { easy.perform() }

        result.statusCode = easy.long(CURLINFO_RESPONSE_CODE).flatMap { $0 == 0 ? nil : $0 }
        result.redirects = easy.long(CURLINFO_REDIRECT_COUNT) ?? 0
        result.bodyBytes = easy.offset(CURLINFO_SIZE_DOWNLOAD_T) ?? collector.bytesSeen
        result.effectiveURL = easy.string(CURLINFO_EFFECTIVE_URL)
        result.remoteAddress = easy.string(CURLINFO_PRIMARY_IP).flatMap { $0.isEmpty ? nil : $0 }
        result.httpVersion = Self.httpVersionName(easy.long(CURLINFO_HTTP_VERSION))
        result.tlsVersion = collector.tlsVersion
        result.certificateExpiry = easy.certificateExpiryFields().compactMap(CertificateDate.secondsSinceEpoch).min()
        let phases = HTTPPhaseTimings(
            nameLookup: easy.seconds(CURLINFO_NAMELOOKUP_TIME_T),
            connect: easy.seconds(CURLINFO_CONNECT_TIME_T),
            appConnect: easy.seconds(CURLINFO_APPCONNECT_TIME_T),
            startTransfer: easy.seconds(CURLINFO_STARTTRANSFER_TIME_T),
            total: easy.seconds(CURLINFO_TOTAL_TIME_T)
        )
        result.phases = phases
        result.totalSeconds = phases.total
        result.curlTotalSeconds = easy.seconds(CURLINFO_TOTAL_TIME_T)

        guard code == CURLE_OK else {
            result.failure = Self.reason(for: code, osErrno: easy.long(CURLINFO_OS_ERRNO) ?? 0)
            result.failureDetail = CurlError(code: code, detail: url).description + collector.errorSuffix
            return result
        }
        let status = result.statusCode ?? 0
        let accepted = acceptedStatuses.isEmpty ? (200...399).contains(status) : acceptedStatuses.contains(status)
        if !accepted {
            result.failure = .httpStatus
            result.failureDetail = "\(url): HTTP status \(status)"
            return result
        }
        if let needle = bodyMustContain, !collector.bodyContains(needle) {
            result.failure = .bodyMismatch
            result.failureDetail = "\(url): body does not contain \"\(needle)\""
            return result
        }
        result.success = true
        return result
    }

    private func configure(_ easy: CurlEasy, collector: TransferCollector) throws(CurlError) {
        try easy.set(CURLOPT_URL, url)
        try easy.set(CURLOPT_NOSIGNAL, true)  // threads: never let curl use signals for timeouts
        try easy.set(CURLOPT_FRESH_CONNECT, true)
        try easy.set(CURLOPT_FORBID_REUSE, true)
        try easy.set(CURLOPT_TIMEOUT_MS, Int(Self.milliseconds(timeout)))
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, Int(Self.milliseconds(timeout)))
        try easy.set(CURLOPT_FOLLOWLOCATION, followRedirects)
        try easy.set(CURLOPT_MAXREDIRS, maxRedirects)
        try easy.set(CURLOPT_USERAGENT, userAgent)
        try easy.set(CURLOPT_CERTINFO, true)
        try easy.set(CURLOPT_SSL_VERIFYPEER, verifyTLS)
        try easy.set(CURLOPT_SSL_VERIFYHOST, verifyTLS ? 2 : 0)
        // Probes may target HTTP and HTTPS only: never file://, gopher:// and the like.
        try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try easy.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        switch ipPreference {
        case .any: break
        case .ipv4: try easy.set(CURLOPT_IPRESOLVE, Int(CURL_IPRESOLVE_V4))
        case .ipv6: try easy.set(CURLOPT_IPRESOLVE, Int(CURL_IPRESOLVE_V6))
        }
        if let interface { try easy.set(CURLOPT_INTERFACE, "if!" + interface) }
        if let sourceAddress { try easy.set(CURLOPT_INTERFACE, "host!" + sourceAddress) }
        if let caFile { try easy.set(CURLOPT_CAINFO, caFile) }
        if method == "HEAD" {
            try easy.set(CURLOPT_NOBODY, true)
        } else if method != "GET" {
            try easy.set(CURLOPT_CUSTOMREQUEST, method)
        }

        try collector.install(on: easy)
    }

    static func reason(for code: CURLcode, osErrno: Int) -> ProbeFailureReason {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .dnsError
        case CURLE_OPERATION_TIMEDOUT: return .timeout
        case CURLE_INTERFACE_FAILED: return .noInterface
        case CURLE_COULDNT_CONNECT:
            switch Int32(osErrno) {
            case 111: return .refused  // ECONNREFUSED
            case 110: return .timeout  // ETIMEDOUT
            case 101, 113, 100, 112: return .unreachable  // ENETUNREACH, EHOSTUNREACH, ENETDOWN, EHOSTDOWN
            case 1, 13: return .permissionDenied
            default: return .error
            }
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS,
            CURLE_SSL_CRL_BADFILE, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CLIENTCERT:
            return .tlsError
        case CURLE_TOO_MANY_REDIRECTS: return .httpStatus
        default: return .error
        }
    }

    static func httpVersionName(_ value: Int?) -> String? {
        switch value {
        case Int(CURL_HTTP_VERSION_1_0): "HTTP/1.0"
        case Int(CURL_HTTP_VERSION_1_1): "HTTP/1.1"
        case Int(CURL_HTTP_VERSION_2_0): "HTTP/2"
        case Int(CURL_HTTP_VERSION_3): "HTTP/3"
        default: nil
        }
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

/// Receives body bytes and debug text during one transfer (curl calls back on the thread
/// running `curl_easy_perform`, so no locking is needed).
final class TransferCollector {
    private let maxBodyBytes: Int
    private var kept: [UInt8] = []
    private(set) var bytesSeen: Int64 = 0
    private(set) var tlsVersion: String?
    private var lastInfo: String?

    init(maxBodyBytes: Int) { self.maxBodyBytes = maxBodyBytes }

    /// Points `easy`'s body and debug callbacks at this collector; it must outlive the transfer.
    func install(on easy: CurlEasy) throws(CurlError) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        try easy.set(CURLOPT_WRITEDATA, pointer: context)
        try easy.setWriteFunction { data, size, count, user in
            let bytes = size * count
            guard let user, let data else { return bytes }
            Unmanaged<TransferCollector>.fromOpaque(user).takeUnretainedValue()
                .body(UnsafeRawBufferPointer(start: data, count: bytes))
            return bytes
        }
        // The debug stream is the one place curl names the negotiated TLS version for every
        // backend ("SSL connection using TLSv1.3 / ..."); VERBOSE only feeds this callback.
        try easy.set(CURLOPT_DEBUGDATA, pointer: context)
        try easy.setDebugFunction { _, type, data, size, user in
            guard type == CURLINFO_TEXT, let user, let data else { return 0 }
            Unmanaged<TransferCollector>.fromOpaque(user).takeUnretainedValue()
                .debugText(UnsafeRawBufferPointer(start: data, count: size))
            return 0
        }
        try easy.set(CURLOPT_VERBOSE, true)
    }

    func body(_ bytes: UnsafeRawBufferPointer) {
        bytesSeen += Int64(bytes.count)
        let room = maxBodyBytes - kept.count
        if room > 0 { kept.append(contentsOf: bytes.prefix(room)) }
    }

    private static let tlsMarker = Array("SSL connection using TLSv".utf8)

    func debugText(_ bytes: UnsafeRawBufferPointer) {
        // OpenSSL: "SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384 / ...". A byte search,
        // not String's firstRange(of:): that one loads the regex runtime (a megabyte of pages).
        if let end = Self.find(Self.tlsMarker, in: bytes) {
            let version = bytes[end...].prefix(while: { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2e })
            if !version.isEmpty { tlsVersion = "TLS " + String(decoding: version, as: UTF8.self) }
        }
        var trimmed = bytes[...]
        while let last = trimmed.last, last == 0x0a || last == 0x0d || last == 0x20 { trimmed = trimmed.dropLast() }
        // curl's connection bookkeeping comes after the error it follows and says nothing about
        // it ("Closing connection 0"); keep the line before.
        if Self.housekeeping.contains(where: { trimmed.starts(with: $0) }) { return }
        lastInfo = String(decoding: trimmed, as: UTF8.self)
    }

    /// Informational lines curl writes about its connection cache, not about what failed.
    private static let housekeeping = [
        "Closing connection", "closing connection", "shutting down connection", "Connection #",
        "Hostname was found in DNS cache", "Found bundle for host",
    ].map { Array($0.utf8) }

    /// Index just past the first occurrence of `pattern` in `bytes`.
    private static func find(_ pattern: [UInt8], in bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        for start in 0...(bytes.count - pattern.count) where bytes[start] == pattern[0] {
            if bytes[start..<start + pattern.count].elementsEqual(pattern) { return start + pattern.count }
        }
        return nil
    }

    /// The body bytes kept (at most `maxBodyBytes`).
    var keptBody: [UInt8] { kept }

    func bodyContains(_ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty else { return true }
        guard kept.count >= pattern.count else { return false }
        for start in 0...(kept.count - pattern.count) where kept[start] == pattern[0] {
            if kept[start..<start + pattern.count].elementsEqual(pattern) { return true }
        }
        return false
    }

    /// curl's last informational line, which often names the real cause of an error.
    var errorSuffix: String { lastInfo.map { " (\($0))" } ?? "" }
}
