/// Building blocks for the server-rendered pages: escaping and the shared layout.
///
/// Plain string building rather than a template engine: a few small pages, every dynamic value
/// passes through `escape`, and no template files need installing next to the binary.
enum HTML {
    /// Text and attribute values made safe: the five characters HTML gives meaning to.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A query-string component, percent-encoded (RFC 3986 unreserved characters kept).
    static func queryComponent(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                let digits = Array("0123456789ABCDEF")
                out += "%" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
            }
        }
        return out
    }

    /// The page frame: title, the refresh interval (nil for forms), the signed-in bar with its
    /// logout form, the body, and a page's own `styles`.
    static func page(
        title: String,
        refreshSeconds: Int?,
        user: String?,
        csrfToken: String?,
        body: String,
        styles: String = ""
    ) -> String {
        var head = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · netwarden</title>
            """
        if let refreshSeconds { head += "<meta http-equiv=\"refresh\" content=\"\(refreshSeconds)\">" }
        head += "<style>\(stylesheet)\(SVGChart.stylesheet)\(styles)</style></head><body>"
        var bar = "<header><a class=\"brand\" href=\"/\">netwarden</a>"
        if let user {
            bar += "<span class=\"who\">signed in as \(escape(user))</span>"
            if let csrfToken {
                bar += """
                    <form method="post" action="/logout" class="logout">\
                    <input type="hidden" name="csrf" value="\(escape(csrfToken))">\
                    <button type="submit">Sign out</button></form>
                    """
            }
        }
        bar += "</header>"
        return head + bar + "<main>" + body + "</main></body></html>"
    }

    static let stylesheet = """
        body{font-family:system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
        header{display:flex;gap:1em;align-items:center;padding:.6em 1.2em;background:#1d3557;color:#fff}
        header a.brand{color:#fff;font-weight:700;text-decoration:none}
        header .who{margin-left:auto;font-size:.9em}
        header form.logout{margin:0}
        main{padding:1em 1.2em}
        h1{font-size:1.3em;margin:.2em 0 .6em}
        h2{font-size:1.1em;margin:1.2em 0 .4em}
        table{border-collapse:collapse;width:100%;background:#fff}
        th,td{text-align:left;padding:.35em .6em;border-bottom:1px solid #e1e4e8;font-size:.92em;vertical-align:top}
        th{background:#eef1f5}
        .status{font-weight:700;padding:.1em .5em;border-radius:.3em}
        .online{background:#d8f3dc;color:#1b4332}
        .offline{background:#ffd6d6;color:#7a0000}
        .warn{background:#fff3bf;color:#5c4400}
        .sev-error,.sev-critical{color:#a4161a;font-weight:600}
        .sev-warning{color:#8a5a00}
        .muted{color:#6a737d}
        .summary{margin:.3em 0 1em}
        form.login{max-width:22em;background:#fff;padding:1.2em;border:1px solid #e1e4e8}
        form.login label{display:block;margin:.6em 0 .2em}
        form.login input{width:100%;padding:.4em;box-sizing:border-box}
        form.login button{margin-top:1em;padding:.5em 1.2em}
        .error{color:#a4161a}
        """
}
