import NetwardenProtocols

/// The start of an HTTP/1.x response as it appears in the server's first segment: the status
/// code, and the host of a `Location` header (where block pages and captive portals redirect).
///
/// Read from one segment only, with a fixed scan bound: the status line always fits the first
/// segment, and a redirect's `Location` practically always does; a head that spans segments just
/// reports no location rather than making every HTTP flow hold a buffer until the server's head
/// is complete.
struct HTTPResponseStatus: Equatable {
    var status: Int
    var locationHost: DomainName?

    /// Bytes of the segment scanned for headers.
    static let maxScanBytes = 4096
    /// Header lines looked at before giving up on `Location`.
    static let maxHeaderLines = 64

    /// `nil` unless `bytes` starts with `HTTP/1.x NNN`.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> HTTPResponseStatus? {
        let prefix: StaticString = "HTTP/1."
        let prefixLength = prefix.utf8CodeUnitCount
        guard bytes.count >= prefixLength + 5 else { return nil }
        for index in 0..<prefixLength where bytes[index] != prefix.utf8Start[index] { return nil }
        guard isDigit(bytes[prefixLength]), bytes[prefixLength + 1] == UInt8(ascii: " ") else { return nil }
        var status = 0
        for index in (prefixLength + 2)..<(prefixLength + 5) {
            guard isDigit(bytes[index]) else { return nil }
            status = status * 10 + Int(bytes[index] - UInt8(ascii: "0"))
        }
        guard status >= 100 else { return nil }
        var response = HTTPResponseStatus(status: status, locationHost: nil)
        let scan = UnsafeRawBufferPointer(rebasing: bytes[..<min(bytes.count, maxScanBytes)])
        guard var lineStart = nextLine(scan, from: prefixLength + 5) else { return response }
        var lines = 0
        while lineStart < scan.count, lines < maxHeaderLines {
            lines += 1
            guard let lineEnd = scan[lineStart...].firstIndex(of: UInt8(ascii: "\n")) else { break }
            var contentEnd = lineEnd
            if contentEnd > lineStart, scan[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
            if contentEnd == lineStart { break }  // end of the head
            let line = UnsafeRawBufferPointer(rebasing: scan[lineStart..<contentEnd])
            if let value = headerValue(line, named: "location") {
                response.locationHost = host(ofLocation: value)
                break
            }
            lineStart = lineEnd + 1
        }
        return response
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func nextLine(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < bytes.count, let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        return end + 1
    }

    /// The trimmed value of `line` if it is the header `name` (given lowercase).
    private static func headerValue(_ line: UnsafeRawBufferPointer, named name: StaticString) -> UnsafeRawBufferPointer?
    {
        let length = name.utf8CodeUnitCount
        guard line.count > length, line[length] == UInt8(ascii: ":") else { return nil }
        for index in 0..<length where line[index] | 0x20 != name.utf8Start[index] { return nil }
        var start = length + 1
        var end = line.count
        while start < end, line[start] == 0x20 || line[start] == 0x09 { start += 1 }
        while end > start, line[end - 1] == 0x20 || line[end - 1] == 0x09 { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: line[start..<end])
    }

    /// The host of an absolute (`scheme://host...`) or scheme-relative (`//host...`) URL;
    /// `nil` for a relative location (same host) or anything that is not a valid host.
    private static func host(ofLocation value: UnsafeRawBufferPointer) -> DomainName? {
        var index = 0
        if value.count >= 2, value[0] == UInt8(ascii: "/"), value[1] == UInt8(ascii: "/") {
            index = 2
        } else {
            while index < value.count, index < 16, isSchemeByte(value[index]) { index += 1 }
            guard index > 0, index + 3 <= value.count, value[index] == UInt8(ascii: ":"),
                value[index + 1] == UInt8(ascii: "/"), value[index + 2] == UInt8(ascii: "/")
            else { return nil }
            index += 3
        }
        var start = index
        var end = index
        while end < value.count, value[end] != UInt8(ascii: "/"), value[end] != UInt8(ascii: "?"),
            value[end] != UInt8(ascii: "#")
        {
            if value[end] == UInt8(ascii: "@") { start = end + 1 }
            end += 1
        }
        var authority = UnsafeRawBufferPointer(rebasing: value[start..<end])
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            authority = UnsafeRawBufferPointer(rebasing: authority[1..<close])
        } else if let colon = authority.firstIndex(of: UInt8(ascii: ":")) {
            authority = UnsafeRawBufferPointer(rebasing: authority[..<colon])
        }
        if authority.last == UInt8(ascii: ".") {
            authority = UnsafeRawBufferPointer(rebasing: authority[..<(authority.count - 1)])
        }
        guard !authority.isEmpty, authority.allSatisfy(isHostByte) else { return nil }
        var name = DomainName()
        guard name.append(contentsOf: authority) else { return nil }
        return name
    }

    private static func isSchemeByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."):
            true
        default:
            false
        }
    }

    /// Letters, digits, `-`, `.`, `_` and, for IPv6 literals, `:`.
    private static func isHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: ":"):
            true
        default:
            false
        }
    }
}
