import Hummingbird
import HummingbirdAuth
import NetwardenCollectorCore

/// Who is asking for a page or the JSON API: a browser session (cookie) or a script with HTTP
/// Basic credentials of the same users.
struct WebAuthenticator: Sendable {
    /// A signed-in caller. `csrfToken` is set for sessions (the logout form needs it).
    struct Caller: Sendable {
        var user: String
        var csrfToken: String?
    }

    static let sessionCookie = "nw_session"
    static let loginCSRFCookie = "nw_login_csrf"

    let users: UserRegistry
    let sessions: SessionStore
    /// HTTP Basic is a password guess per request too: it counts against the same per-user lock
    /// as the sign-in form, and while the lock holds no password is checked (the caller gets 401).
    let throttle: LoginThrottle
    let monotonicSeconds: @Sendable () -> Double

    func caller(for request: Request, now: Int64) -> Caller? {
        if let cookie = request.cookies[Self.sessionCookie],
            let session = sessions.find(token: cookie.value, now: now)
        {
            return Caller(user: session.user, csrfToken: session.csrfToken)
        }
        // HummingbirdAuth parses `Authorization: Basic ...`; the password is checked against the
        // same slow hash as the login form (with the verified-credential cache).
        if let basic = request.headers.basic,
            throttle.check(user: basic.username, address: nil, now: monotonicSeconds()) == nil
        {
            guard users.verify(name: basic.username, password: basic.password) else {
                throttle.failed(user: basic.username, address: nil, now: monotonicSeconds())
                return nil
            }
            throttle.succeeded(user: basic.username, address: nil)
            return Caller(user: basic.username, csrfToken: nil)
        }
        return nil
    }
}
