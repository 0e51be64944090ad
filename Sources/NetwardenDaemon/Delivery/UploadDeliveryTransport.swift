import NetwardenCore
import NetwardenDelivery

/// Carries an uploader's requests over an `UploadTransport` (libcurl's `HTTPUploadClient` in the
/// daemon) to one URL, and turns curl's failures into the uploader's retry classes.
struct UploadDeliveryTransport: DeliveryTransport {
    let url: String
    let transport: any UploadTransport

    func send(_ request: DeliveryRequest) async -> DeliveryResponse {
        var contentType = "application/octet-stream"
        var contentEncoding: String?
        var headers: [HTTPHeaderField] = []
        for header in request.headers {
            switch header.name.lowercased() {
            case "content-type": contentType = header.value
            case "content-encoding": contentEncoding = header.value
            default: headers.append(HTTPHeaderField(header.name, header.value))
            }
        }
        let upload = UploadRequest(
            url: url,
            body: request.body,
            contentType: contentType,
            contentEncoding: contentEncoding,
            headers: headers
        )
        switch await transport.post(upload) {
        case .success(let response):
            return .answered(status: response.status, retryAfter: response.retryAfter, message: response.bodyPrefixText)
        case .failure(let error):
            let kind: DeliveryFailure.Kind
            switch error.code {
            case .timeout: kind = .timeout
            case .tls: kind = .tls
            case .configuration: kind = .configuration
            default: kind = .connection
            }
            return .failed(DeliveryFailure(kind, error.message))
        }
    }
}
