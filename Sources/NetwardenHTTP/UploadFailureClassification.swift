import CCurl
import NetwardenCore

/// Sorts libcurl's error codes into the `UploadError` kinds the retry logic acts on.
enum UploadFailureClassification {
    /// - Parameters:
    ///   - code: what `curl_easy_perform` returned.
    ///   - message: curl's error buffer text, which tells a TLS alert from a plain reset when
    ///     both arrive as a receive error.
    ///   - cancelled: whether our progress callback aborted the transfer.
    static func code(for code: CURLcode, message: String, cancelled: Bool) -> UploadError.Code {
        switch code {
        case CURLE_ABORTED_BY_CALLBACK where cancelled:
            return .cancelled
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT, CURLE_GOT_NOTHING,
            CURLE_PARTIAL_FILE, CURLE_INTERFACE_FAILED, CURLE_PROXY:
            return .connection
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR:
            // With TLS 1.3 a server refusing our client certificate (or demanding one) says so
            // in an alert after the handshake, which curl reports as a failed read:
            // "OpenSSL SSL_read: error:0A00045C:SSL routines::tlsv13 alert certificate required".
            return isTLSAlert(message) ? .tls : .connection
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_SHUTDOWN_FAILED,
            CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            return .tls
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_CRL_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
            CURLE_NOT_BUILT_IN, CURLE_BAD_FUNCTION_ARGUMENT, CURLE_UNKNOWN_OPTION, CURLE_FILE_COULDNT_READ_FILE,
            CURLE_LOGIN_DENIED:
            return .configuration
        case CURLE_WEIRD_SERVER_REPLY, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_HTTP3, CURLE_BAD_CONTENT_ENCODING,
            CURLE_TOO_MANY_REDIRECTS, CURLE_RANGE_ERROR, CURLE_UNRECOVERABLE_POLL:
            return .protocolViolation
        default:
            return .internal
        }
    }

    private static func isTLSAlert(_ message: String) -> Bool {
        let lowered = message.lowercased()
        return lowered.contains("ssl routines") || lowered.contains(" alert ")
    }
}
