/// The HTTP side of a remote write 1.0 push.
///
/// A request is `POST` to the receiver's write URL (e.g. `/api/v1/write`) with the encoder's
/// bytes compressed as one snappy block (block format, not the framed stream format) and these
/// headers, which the 1.0 spec requires:
///
/// - `Content-Encoding: snappy`
/// - `Content-Type: application/x-protobuf`
/// - `X-Prometheus-Remote-Write-Version: 0.1.0` (1.0 of the spec still sends the pre-1.0
///   version string; receivers use it to tell 1.0 from 2.0 requests)
/// - `User-Agent`: the sender's name and version, e.g. `netwarden/1.2.0`
///
/// Per the spec a 2xx means stored, a 5xx or 429 is retried with backoff, and any other 4xx
/// must not be retried: the receiver will never accept those bytes.
public enum RemoteWriteHTTP {
    /// The headers that do not depend on the sender, in the order they are usually sent.
    public static let requiredHeaders: [(name: String, value: String)] = [
        ("Content-Encoding", "snappy"),
        ("Content-Type", "application/x-protobuf"),
        ("X-Prometheus-Remote-Write-Version", "0.1.0"),
    ]

    /// `requiredHeaders` plus `User-Agent`.
    public static func headers(userAgent: String) -> [(name: String, value: String)] {
        requiredHeaders + [("User-Agent", userAgent)]
    }

    /// Whether a response status is worth retrying (5xx, 429) rather than dropping the batch.
    public static func isRetryable(status: Int) -> Bool { status == 429 || (500...599).contains(status) }
}
