import CCurl
import NetwardenCore

/// One filter-test fetch: a URL fetched from one chosen address (the school resolver's answer,
/// pinned with CURLOPT_RESOLVE so curl never asks another resolver), redirects not followed, the
/// body kept for block-page fingerprints, and the served certificate's issuer and trust.
///
/// Trust is decided in up to three tries, because a filter intercepting HTTPS shows its block page
/// over its own certificate: first against the public store (plus `caFile`); on a verification
/// failure against the filter's CA; and last unverified, to see the issuer and the page at all.
public struct CanaryFetch: Sendable {
    public var url: String
    public var host: String
    public var port: Int
    public var address: String
    public var timeout: Duration
    public var interface: String?
    public var sourceAddress: String?
    public var caFile: String?
    public var filterCAFile: String?
    public var maxBodyBytes: Int

    public init(
        url: String,
        host: String,
        port: Int,
        address: String,
        timeout: Duration = .seconds(10),
        interface: String? = nil,
        sourceAddress: String? = nil,
        caFile: String? = nil,
        filterCAFile: String? = nil,
        maxBodyBytes: Int = 64 * 1024
    ) {
        self.url = url
        self.host = host
        self.port = port
        self.address = address
        self.timeout = timeout
        self.interface = interface
        self.sourceAddress = sourceAddress
        self.caFile = caFile
        self.filterCAFile = filterCAFile
        self.maxBodyBytes = maxBodyBytes
    }

    /// Whom the certificate chained to.
    public enum Trust: String, Sendable {
        case publicCA = "public"
        case filterCA = "filter_ca"
        case untrusted
    }

    /// Where a transfer without a response broke.
    public enum Failure: Sendable {
        case tlsReset, tlsTimeout, httpReset, httpTimeout, other
    }

    public struct Result: Sendable {
        public var status: Int?
        public var location: String?
        public var body: String = ""
        public var trust: Trust?
        public var issuer: String?
        public var failure: Failure?
        public var detail: String = ""
    }

    public func run() -> Result {
        let https = url.lowercased().hasPrefix("https://")
        var attempt = perform(verify: true, caFile: caFile)
        guard https, attempt.verificationFailed else { return attempt.result(trust: https ? .publicCA : nil) }
        if let filterCAFile {
            let filtered = perform(verify: true, caFile: filterCAFile)
            if !filtered.verificationFailed { return filtered.result(trust: .filterCA) }
        }
        attempt = perform(verify: false, caFile: nil)
        return attempt.result(trust: .untrusted)
    }

    private struct Attempt {
        var code: CURLcode
        var status: Int?
        var location: String?
        var body: [UInt8]
        var issuer: String?
        var tlsDone: Bool
        var https: Bool
        var osErrno: Int
        var detail: String

        var verificationFailed: Bool { code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE }

        func result(trust: Trust?) -> Result {
            var result = Result()
            result.status = status
            result.location = location
            result.body = String(decoding: body, as: UTF8.self)
            result.issuer = issuer
            result.detail = detail
            if code == CURLE_OK {
                result.trust = https ? trust : nil
                return result
            }
            if https, tlsDone { result.trust = trust }
            switch code {
            case CURLE_OPERATION_TIMEDOUT:
                result.failure = https && !tlsDone ? .tlsTimeout : .httpTimeout
            case CURLE_SSL_CONNECT_ERROR, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING:
                result.failure = https && !tlsDone ? .tlsReset : .httpReset
            default:
                result.failure = .other
            }
            return result
        }
    }

    private func perform(verify: Bool, caFile: String?) -> Attempt {
        let https = url.lowercased().hasPrefix("https://")
        var attempt = Attempt(
            code: CURLE_FAILED_INIT,
            body: [],
            tlsDone: false,
            https: https,
            osErrno: 0,
            detail: ""
        )
        let collector = TransferCollector(maxBodyBytes: maxBodyBytes)
        let resolve = CurlHeaderList()
        let pinned = address.contains(":") ? "[\(address)]" : address
        guard resolve.append("\(host):\(port):\(pinned)") else {
            attempt.detail = "out of memory"
            return attempt
        }
        let easy: CurlEasy
        do {
            easy = try CurlEasy()
            try easy.set(CURLOPT_URL, url)
            try easy.set(CURLOPT_NOSIGNAL, true)
            try easy.set(CURLOPT_FRESH_CONNECT, true)
            try easy.set(CURLOPT_FORBID_REUSE, true)
            try easy.set(CURLOPT_TIMEOUT_MS, Int(HTTPProbe.milliseconds(timeout)))
            try easy.set(CURLOPT_CONNECTTIMEOUT_MS, Int(HTTPProbe.milliseconds(timeout)))
            // Every hop is judged by the caller, through the school resolver, so curl never follows.
            try easy.set(CURLOPT_FOLLOWLOCATION, false)
            try easy.set(CURLOPT_USERAGENT, "netwarden-filter-test/\(NetwardenVersion.string)")
            try easy.set(CURLOPT_CERTINFO, true)
            try easy.set(CURLOPT_SSL_VERIFYPEER, verify)
            try easy.set(CURLOPT_SSL_VERIFYHOST, verify ? 2 : 0)
            try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
            try easy.set(CURLOPT_RESOLVE, pointer: UnsafeMutableRawPointer(resolve.pointer))
            if let interface { try easy.set(CURLOPT_INTERFACE, "if!" + interface) }
            if let sourceAddress { try easy.set(CURLOPT_INTERFACE, "host!" + sourceAddress) }
            if let caFile { try easy.set(CURLOPT_CAINFO, caFile) }
            try collector.install(on: easy)
        } catch {
            attempt.detail = error.description
            return attempt
        }
        let code = withExtendedLifetime((collector, resolve)) { easy.perform() }
        attempt.code = code
        attempt.status = easy.long(CURLINFO_RESPONSE_CODE).flatMap { $0 == 0 ? nil : $0 }
        attempt.location = easy.string(CURLINFO_REDIRECT_URL).flatMap { $0.isEmpty ? nil : $0 }
        attempt.body = collector.keptBody
        attempt.issuer = easy.certificateIssuer()
        attempt.tlsDone = easy.seconds(CURLINFO_APPCONNECT_TIME_T) > 0 || attempt.issuer != nil
        attempt.osErrno = easy.long(CURLINFO_OS_ERRNO) ?? 0
        if code != CURLE_OK {
            attempt.detail = CurlError(code: code, detail: url).description + collector.errorSuffix
        }
        return attempt
    }
}
