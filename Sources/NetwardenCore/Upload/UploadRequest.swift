/// One POST of an already-encoded, already-compressed batch.
///
/// The URL travels with each request rather than in the transport's settings: the uploader
/// owns the output's `url` (and may post to several paths of one server, such as a collector's
/// samples and events endpoints), while the transport owns the connection, trust and
/// credentials that every request to that server shares.
public struct UploadRequest: Sendable {
    /// `http://` or `https://` only; other schemes fail with `UploadError.Code.configuration`.
    public var url: String
    public var body: [UInt8]
    /// For example `application/x-protobuf` (remote write) or `application/json`.
    public var contentType: String
    /// For example `snappy` (remote write) or `gzip`; nil sends no Content-Encoding.
    public var contentEncoding: String?
    /// Protocol headers for this request (`X-Prometheus-Remote-Write-Version`); the transport
    /// adds its configured headers and credentials itself.
    public var headers: [HTTPHeaderField]

    public init(
        url: String,
        body: [UInt8],
        contentType: String,
        contentEncoding: String? = nil,
        headers: [HTTPHeaderField] = []
    ) {
        self.url = url
        self.body = body
        self.contentType = contentType
        self.contentEncoding = contentEncoding
        self.headers = headers
    }

    /// The URL as errors and logs may show it: scheme, host, port and path. User info and the
    /// query are dropped because either can carry credentials (`https://user:pass@host`,
    /// `?api_key=...`).
    public var displayURL: String { Self.displayURL(url) }

    public static func displayURL(_ url: String) -> String {
        // Plain index arithmetic: String's firstRange(of:) would pull in the regex runtime.
        var text = Substring(url)
        var scheme = Substring("")
        if let colon = text.firstIndex(of: ":"), text[colon...].hasPrefix("://") {
            let rest = text.index(colon, offsetBy: 3)
            scheme = text[..<rest]
            text = text[rest...]
        }
        if let end = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<end] }
        let authorityEnd = text.firstIndex(of: "/") ?? text.endIndex
        if let at = text[..<authorityEnd].lastIndex(of: "@") { text = text[text.index(after: at)...] }
        return String(scheme + text)
    }
}
