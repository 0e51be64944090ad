/// What a server answered to one upload: any HTTP status, including errors and redirects.
///
/// Redirects are not followed (a POST body is not re-sent to wherever a server points), so a
/// 3xx arrives here with its `Location` header for the uploader to report.
public struct UploadResponse: Sendable {
    public var status: Int
    /// Headers of the final response (not of a proxy's CONNECT answer or a 100 Continue).
    public var headers: [HTTPHeaderField]
    /// `Retry-After` as a delay from when the response arrived (an HTTP-date in the past is
    /// zero); nil when absent or unreadable.
    public var retryAfter: Duration?
    /// The first bytes of the body (at most the transport's limit, a few KiB), for the error
    /// message an uploader logs when a server rejects a batch.
    public var bodyPrefix: [UInt8]
    /// The whole body's size, including bytes beyond `bodyPrefix`.
    public var bodyBytes: Int64
    /// Request body bytes sent (not counting headers).
    public var bytesSent: Int64
    /// Where the time went; on a reused connection resolve, connect and TLS are near zero.
    public var timings: HTTPPhaseTimings
    /// True when the request went over a connection kept from an earlier post.
    public var connectionReused: Bool
    /// "HTTP/1.1", "HTTP/2", ...
    public var httpVersion: String?

    public init(
        status: Int,
        headers: [HTTPHeaderField] = [],
        retryAfter: Duration? = nil,
        bodyPrefix: [UInt8] = [],
        bodyBytes: Int64 = 0,
        bytesSent: Int64 = 0,
        timings: HTTPPhaseTimings = HTTPPhaseTimings(
            nameLookup: 0,
            connect: 0,
            appConnect: 0,
            startTransfer: 0,
            total: 0
        ),
        connectionReused: Bool = false,
        httpVersion: String? = nil
    ) {
        self.status = status
        self.headers = headers
        self.retryAfter = retryAfter
        self.bodyPrefix = bodyPrefix
        self.bodyBytes = bodyBytes
        self.bytesSent = bytesSent
        self.timings = timings
        self.connectionReused = connectionReused
        self.httpVersion = httpVersion
    }

    /// 2xx: the server took the batch.
    public var isSuccess: Bool { (200...299).contains(status) }

    /// `bodyPrefix` as text for a log line: invalid UTF-8 repaired, control characters (which
    /// could forge log lines) shown as spaces.
    public var bodyPrefixText: String {
        String(decoding: bodyPrefix, as: UTF8.self).map { $0.isASCII && ($0.asciiValue ?? 0) < 0x20 ? " " : $0 }
            .reduce(into: "") { $0.append($1) }
    }
}
