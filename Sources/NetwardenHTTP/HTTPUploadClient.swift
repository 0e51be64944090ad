import Glibc
import NetwardenCore

/// Posts upload batches to one central server over libcurl, keeping the connection alive.
///
/// One client per destination (per `[[outputs.*]]`). It owns one curl handle, so the TCP and
/// TLS connection made by the first post carries the following ones; posts are queued and run
/// one at a time, in order, on the client's own thread, never on Swift's cooperative pool.
///
/// - TLS is verified against the system store or `caFile` unless `insecureSkipVerify`.
/// - Only `http` and `https` URLs; redirects are returned, not followed.
/// - Proxies come from the settings only, never from `http_proxy` and friends.
/// - Credentials (`Secret`) go to curl and nowhere else: curl's verbose output stays off and
///   error messages carry neither header values nor secrets.
///
/// The thread (and with it curl's sockets) joins the network namespace of the thread that
/// creates the client.
public final class HTTPUploadClient: UploadTransport {
    public let settings: HTTPUploadSettings
    private let worker: UploadWorkerThread<UploadSession>

    /// Checks the settings and the files they name, prepares the curl handle and starts the
    /// upload thread. Throws `UploadError.Code.configuration` naming every problem at once.
    public init(settings: HTTPUploadSettings) throws(UploadError) {
        var problems = settings.problems
        let files = [
            ("ca_file", settings.caFile), ("client_certificate_file", settings.clientCertificateFile),
            ("client_key_file", settings.clientKeyFile),
        ]
        for case (let key, let path?) in files where access(path, R_OK) != 0 {
            problems.append("\(key) \(path) cannot be read: \(String(cString: strerror(errno)))")
        }
        guard problems.isEmpty else {
            throw UploadError(code: .configuration, message: problems.joined(separator: "; "))
        }
        self.settings = settings
        let session = try UploadSession(settings: settings)
        worker = try UploadWorkerThread(context: session)
    }

    /// Sends `request` once (no retries: the uploader decides those). Waits behind posts
    /// already queued on this client. Cancelling the calling task aborts the transfer within
    /// about a second and returns `UploadError.Code.cancelled`.
    public func post(_ request: UploadRequest) async -> Result<UploadResponse, UploadError> {
        let cancellation = TransferCancellation()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                worker.submit { session in
                    continuation.resume(returning: session.post(request, cancellation: cancellation))
                }
            }
        } onCancel: {
            cancellation.cancel()
        }
    }
}
