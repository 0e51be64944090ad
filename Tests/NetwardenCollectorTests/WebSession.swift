import Foundation
import NetwardenTestSupport
import Testing

/// A browser's side of the sign-in form, done with curl and a cookie jar: fetch the form (its
/// CSRF cookie and hidden field), post the credentials, then use the session cookie.
struct WebSession {
    let collector: CollectorUnderTest
    let jar: String

    init(_ collector: CollectorUnderTest, name: String = UUID().uuidString) {
        self.collector = collector
        jar = collector.directory.path + "/cookies-\(name).txt"
    }

    var cookies: [String] { ["-b", jar, "-c", jar] }

    /// GET /login then POST /login; returns the POST's reply (303 on success).
    func signIn(_ user: String, _ password: String) async throws -> CollectorUnderTest.Reply {
        let form = try await collector.request("GET", "/login", extra: cookies)
        let csrf = try #require(Self.hiddenValue("csrf", in: form.body))
        return try await collector.request(
            "POST",
            "/login",
            body: Array("csrf=\(csrf)&username=\(Self.formEncode(user))&password=\(Self.formEncode(password))".utf8),
            headers: ["Content-Type": "application/x-www-form-urlencoded"],
            extra: cookies
        )
    }

    func get(_ path: String) async throws -> CollectorUnderTest.Reply {
        try await collector.request("GET", path, extra: cookies)
    }

    /// The value of `<input type="hidden" name="NAME" value="...">`.
    static func hiddenValue(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    static func formEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}
