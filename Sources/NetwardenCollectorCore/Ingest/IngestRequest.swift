/// The parts of an HTTP ingest request the collector looks at, independent of the HTTP server.
public struct IngestRequest: Sendable {
    /// The `Authorization` header, if any.
    public var authorization: String?
    public var contentType: String?
    public var contentEncoding: String?
    public var body: [UInt8]

    public init(authorization: String?, contentType: String?, contentEncoding: String?, body: [UInt8]) {
        self.authorization = authorization
        self.contentType = contentType
        self.contentEncoding = contentEncoding
        self.body = body
    }

    /// The token of `Authorization: Bearer TOKEN` (scheme case-insensitive, RFC 6750).
    public var bearerToken: String? {
        guard let authorization else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingSpaces
        return token.isEmpty ? nil : token
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(self.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
