import Foundation
import NetwardenCore

/// One message on its way to a receiver, already rendered.
public enum OutgoingMessage: Sendable, Equatable {
    /// A JSON POST (webhook, Slack, Teams).
    case http(url: String, body: [UInt8])
    /// A mail: envelope and the RFC 5322 text.
    case email(from: String, to: [String], message: [UInt8])
}

/// What one attempt came to.
public struct TransportResult: Sendable, Equatable {
    public var delivered: Bool
    /// Worth another attempt (a connection failure, 429, 5xx); a 4xx will not improve.
    public var retryable: Bool
    /// `HTTP 204`, `SMTP 250`, or the failure in words (never a secret).
    public var detail: String
    /// The server asked for this pause (`Retry-After`).
    public var retryAfter: Duration?

    public init(delivered: Bool, retryable: Bool, detail: String, retryAfter: Duration? = nil) {
        self.delivered = delivered
        self.retryable = retryable
        self.detail = detail
        self.retryAfter = retryAfter
    }

    /// How an HTTP status is judged: 2xx delivered; 408, 429 and 5xx retried; other 4xx final.
    public static func http(status: Int, retryAfter: Duration? = nil) -> TransportResult {
        TransportResult(
            delivered: (200..<300).contains(status),
            retryable: status == 408 || status == 429 || status >= 500,
            detail: "HTTP \(status)",
            retryAfter: retryAfter
        )
    }
}

/// A receiver with its secrets read from their files, ready to send to.
public struct ResolvedReceiver: Sendable {
    public var settings: ReceiverSettings
    /// The webhook/Slack/Teams URL (a credential for Slack and Teams).
    public var url: String?
    public var password: Secret?

    public init(settings: ReceiverSettings, url: String? = nil, password: Secret? = nil) {
        self.settings = settings
        self.url = url
        self.password = password
    }

    /// Where it goes, safe for the history and logs: Slack and Teams URLs carry their secret
    /// in the path, so only scheme and host are shown; webhooks drop user info and query.
    public var destination: String {
        switch settings.kind {
        case .email: return (settings.email?.to ?? []).joined(separator: ", ")
        case .webhook: return url.map(UploadRequest.displayURL) ?? ""
        case .slack, .teams:
            let shown = url.map(UploadRequest.displayURL) ?? ""
            guard let schemeEnd = shown.range(of: "://") else { return shown }
            let host = shown[schemeEnd.upperBound...].prefix { $0 != "/" }
            return String(shown[..<schemeEnd.upperBound]) + host + "/…"
        }
    }
}

/// Carries rendered messages out. The real one speaks HTTP and SMTP through libcurl; tests
/// and the engine's unit tests use a scripted one.
public protocol NotificationTransport: Sendable {
    func send(_ message: OutgoingMessage, to receiver: ResolvedReceiver) async -> TransportResult
}
