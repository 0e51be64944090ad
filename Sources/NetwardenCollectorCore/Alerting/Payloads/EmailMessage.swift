/// A notification as an RFC 5322 message (plain text, UTF-8) for the SMTP transport.
public enum EmailMessage {
    /// The message bytes, CRLF line endings, headers first. `date` is an RFC 5322 date line value
    /// made by the caller (the engine's time, formatted); `messageID` must be unique.
    public static func render(
        _ notification: AlertNotification,
        from: String,
        to: [String],
        messageID: String,
        externalURL: String
    ) -> [UInt8] {
        var lines = [
            "From: netwarden <\(from)>",
            "To: " + to.map { "<\($0)>" }.joined(separator: ", "),
            "Subject: " + encodedHeader(notification.title),
            "Date: " + rfc5322Date(milliseconds: notification.createdAt),
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "Auto-Submitted: auto-generated",
            "X-Netwarden-Group-Key: " + encodedHeader(notification.groupKey),
            "",
        ]
        lines += notification.alerts.map(NotificationText.line)
        if !externalURL.isEmpty { lines += ["", "Collector: " + externalURL] }
        var body: [UInt8] = []
        for line in lines {
            // A line starting with "." would end the DATA early on servers that do not let
            // curl dot-stuff; curl does, but a bare CR or LF inside a value must never split a line.
            let clean = line.replacingCRLF()
            body += Array(clean.utf8) + [13, 10]
        }
        return body
    }

    /// RFC 2047 encoded-word when the text is not plain ASCII.
    static func encodedHeader(_ text: String) -> String {
        let clean = text.replacingCRLF()
        guard clean.utf8.contains(where: { $0 >= 0x80 }) else { return clean }
        return "=?UTF-8?B?" + base64(Array(clean.utf8)) + "?="
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var out = ""
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value = 0
            for (offset, byte) in chunk.enumerated() { value |= Int(byte) << (16 - 8 * offset) }
            for position in 0..<4 {
                out.append(position <= chunk.count ? alphabet[(value >> (18 - 6 * position)) & 63] : "=")
            }
            index += 3
        }
        return out
    }

    /// `Sat, 05 Dec 2026 10:42:00 +0000`.
    static func rfc5322Date(milliseconds: Int64) -> String {
        let seconds = CivilDate.floorDivide(milliseconds, 1000)
        let day = CivilDate.floorDivide(seconds, 86_400)
        let (year, month, dayOfMonth) = CivilDate.civil(day: day)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let name = CivilDate.weekdayNames[CivilDate.weekday(ofDay: day)]
        let weekday = name.prefix(1).uppercased() + name.dropFirst()
        let time = CivilDate.rfc3339(milliseconds: milliseconds).dropFirst(11).prefix(8)
        let two = dayOfMonth < 10 ? "0\(dayOfMonth)" : "\(dayOfMonth)"
        return "\(weekday), \(two) \(months[Int(month) - 1]) \(year) \(time) +0000"
    }
}

extension String {
    /// CR and LF turned into spaces: a value must never start a new header or line.
    fileprivate func replacingCRLF() -> String {
        String(map { $0 == "\r" || $0 == "\n" || $0 == "\r\n" ? " " : $0 })
    }
}
