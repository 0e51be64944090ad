import NetwardenCore
import Synchronization

/// An `UploadTransport` for uploader tests: records every request and answers from a script
/// (responses and failures in order), without a network or libcurl.
///
/// ```swift
/// let transport = ScriptedUploadTransport([
///     .success(UploadResponse(status: 429, retryAfter: .seconds(3))),
///     .success(UploadResponse(status: 204)),
/// ])
/// ```
/// When the script runs out, every further post gets `whenExhausted`.
public final class ScriptedUploadTransport: UploadTransport {
    private struct State {
        var script: [Result<UploadResponse, UploadError>]
        var requests: [UploadRequest] = []
    }

    private let state: Mutex<State>
    private let whenExhausted: Result<UploadResponse, UploadError>

    public init(
        _ script: [Result<UploadResponse, UploadError>] = [],
        whenExhausted: Result<UploadResponse, UploadError> = .success(UploadResponse(status: 204))
    ) {
        state = Mutex(State(script: script))
        self.whenExhausted = whenExhausted
    }

    public func post(_ request: UploadRequest) async -> Result<UploadResponse, UploadError> {
        state.withLock { state in
            state.requests.append(request)
            return state.script.isEmpty ? whenExhausted : state.script.removeFirst()
        }
    }

    /// Every request posted so far, in order.
    public var requests: [UploadRequest] { state.withLock { $0.requests } }
}
