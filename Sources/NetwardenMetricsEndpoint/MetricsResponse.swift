import NIOHTTP1

/// What the endpoint answers to one request, decided from method and path alone so the rules
/// stay in one place and read like the documentation.
struct MetricsResponse {
    var status: HTTPResponseStatus
    /// Headers other than `Content-Length` and `Connection`, which the connection handler adds.
    var headers: [(String, String)]
    var body: [UInt8]
    /// `false` for `HEAD`: same headers (including the length of the body not sent).
    var sendsBody: Bool = true

    /// The Prometheus text exposition format version that scrapers negotiate on.
    static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"
    static let textContentType = "text/plain; charset=utf-8"
    static let allowedMethods = "GET, HEAD"

    static let indexPage = Array(
        """
        netwarden metrics endpoint
        Prometheus metrics: /metrics

        """.utf8
    )

    /// Routes a request; `render` runs only for `/metrics`, once per request.
    static func answer(method: HTTPMethod, uri: String, render: () -> [UInt8]) -> MetricsResponse {
        // A query string does not change what is served (Prometheus may add `?` parameters).
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let servesMetrics: Bool
        switch path {
        case "/metrics": servesMetrics = true
        case "/": servesMetrics = false
        default: return text(.notFound, "not found; metrics are at /metrics\n")
        }
        guard method == .GET || method == .HEAD else {
            var response = text(.methodNotAllowed, "method not allowed; use GET or HEAD\n")
            response.headers.append(("Allow", allowedMethods))
            return response
        }
        // HEAD renders too, so its Content-Length matches what GET would send.
        return MetricsResponse(
            status: .ok,
            headers: [("Content-Type", servesMetrics ? metricsContentType : textContentType)],
            body: servesMetrics ? render() : indexPage,
            sendsBody: method == .GET
        )
    }

    /// The answer to a request whose body exceeds the limit; the connection closes after it.
    static let payloadTooLarge = text(.payloadTooLarge, "request body too large\n")

    private static func text(_ status: HTTPResponseStatus, _ message: String) -> MetricsResponse {
        MetricsResponse(status: status, headers: [("Content-Type", textContentType)], body: Array(message.utf8))
    }
}
