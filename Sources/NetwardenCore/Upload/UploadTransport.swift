/// Carries one upload batch to a central server and reports what came back.
///
/// The daemon's uploaders (remote write, Loki push, collector API) depend on this protocol, not
/// on libcurl: their retry and backoff logic is pure and is tested against fakes, while
/// `HTTPUploadClient` in NetwardenHTTP is the real implementation.
///
/// `post` never throws: a transport failure is a value the retry logic inspects
/// (`UploadError.code`), and an HTTP error status is a successful exchange whose
/// `UploadResponse.status` the caller judges. Task cancellation ends a post early with
/// `UploadError.Code.cancelled`.
public protocol UploadTransport: Sendable {
    func post(_ request: UploadRequest) async -> Result<UploadResponse, UploadError>
}
