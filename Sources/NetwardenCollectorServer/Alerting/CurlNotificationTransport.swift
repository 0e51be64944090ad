import Foundation
import NetwardenCollectorCore
import NetwardenCore
import NetwardenHTTP
import Synchronization

/// The real notification transport: JSON POSTs through `HTTPUploadClient` and mail through
/// `SMTPMailClient`, one client per receiver (so a receiver's kept-alive connection is reused
/// and a slow receiver never holds up another).
final class CurlNotificationTransport: NotificationTransport {
    private let httpClients = Mutex<[String: HTTPUploadClient]>([:])
    private let mailClients = Mutex<[String: SMTPMailClient]>([:])

    func send(_ message: OutgoingMessage, to receiver: ResolvedReceiver) async -> TransportResult {
        switch message {
        case .http(let url, let body):
            let client: HTTPUploadClient
            do {
                client = try httpClient(for: receiver)
            } catch {
                return TransportResult(delivered: false, retryable: false, detail: "configuration: \(error.message)")
            }
            let result = await client.post(UploadRequest(url: url, body: body, contentType: "application/json"))
            switch result {
            case .success(let response):
                return .http(status: response.status, retryAfter: response.retryAfter)
            case .failure(let error):
                // curl's words name the URL; a Slack or Teams path is the credential itself.
                let words = error.message.replacingOccurrences(
                    of: UploadRequest.displayURL(url),
                    with: receiver.destination
                )
                return TransportResult(
                    delivered: false,
                    retryable: error.code != .configuration && error.code != .cancelled,
                    detail: "\(error.code): \(words)"
                )
            }
        case .email(let from, let to, let bytes):
            let client: SMTPMailClient
            do {
                client = try mailClient(for: receiver)
            } catch {
                return TransportResult(delivered: false, retryable: false, detail: "configuration: \(error.message)")
            }
            switch await client.send(from: from, to: to, message: bytes) {
            case .success(let receipt):
                return TransportResult(delivered: true, retryable: false, detail: "SMTP \(receipt.responseCode)")
            case .failure(let error):
                return TransportResult(
                    delivered: false,
                    retryable: error.code != .configuration && error.code != .cancelled,
                    detail: "\(error.code): \(error.message)"
                )
            }
        }
    }

    private func httpClient(for receiver: ResolvedReceiver) throws(UploadError) -> HTTPUploadClient {
        if let client = httpClients.withLock({ $0[receiver.settings.name] }) { return client }
        let client = try HTTPUploadClient(
            settings: HTTPUploadSettings(
                caFile: receiver.settings.caFile,
                connectTimeout: min(.seconds(10), receiver.settings.timeout),
                timeout: receiver.settings.timeout,
                userAgent: "netwarden-collector/\(NetwardenVersion.string)"
            )
        )
        httpClients.withLock { $0[receiver.settings.name] = client }
        return client
    }

    private func mailClient(for receiver: ResolvedReceiver) throws(UploadError) -> SMTPMailClient {
        if let client = mailClients.withLock({ $0[receiver.settings.name] }) { return client }
        guard let email = receiver.settings.email else {
            throw UploadError(code: .configuration, message: "the receiver has no SMTP settings")
        }
        let security: SMTPMailSettings.Security =
            switch email.tls {
            case .starttls: .startTLS
            case .tls: .implicitTLS
            case .none: .plain
            }
        let client = try SMTPMailClient(
            settings: SMTPMailSettings(
                host: email.host,
                port: email.port,
                security: security,
                caFile: receiver.settings.caFile,
                username: email.username,
                password: receiver.password,
                timeout: receiver.settings.timeout
            )
        )
        mailClients.withLock { $0[receiver.settings.name] = client }
        return client
    }
}
