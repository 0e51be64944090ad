/// The sign-in form. Its hidden `csrf` field must match the `nw_login_csrf` cookie set with
/// it (double submit), so another site cannot sign a browser in as someone else.
enum LoginPage {
    static func render(csrfToken: String, error: String?) -> String {
        var body = "<h1>Sign in</h1>"
        if let error { body += "<p class=\"error\">\(HTML.escape(error))</p>" }
        body += """
            <form class="login" method="post" action="/login">
            <input type="hidden" name="csrf" value="\(HTML.escape(csrfToken))">
            <label for="username">User</label><input id="username" name="username" autocomplete="username" required>
            <label for="password">Password</label>\
            <input id="password" name="password" type="password" autocomplete="current-password" required>
            <button type="submit">Sign in</button>
            </form>
            """
        return HTML.page(title: "Sign in", refreshSeconds: nil, user: nil, csrfToken: nil, body: body)
    }
}
