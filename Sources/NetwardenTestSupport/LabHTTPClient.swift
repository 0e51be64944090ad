import Foundation
import Glibc

/// A plain-HTTP response as the lab client saw it.
public struct LabHTTPResponse: Sendable {
    public var status: Int
    /// Header names lowercased; a repeated header keeps its last value.
    public var headers: [String: String]
    public var body: [UInt8]
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

extension Lab {
    /// `GET path` over HTTP/1.0 from `host` to `address`:`port`: a few lines of socket code
    /// instead of curl, which CI does not install, and independent of netwarden's libcurl edge.
    public func httpGet(
        from host: String,
        address: String,
        port: UInt16 = 80,
        path: String = "/",
        hostHeader: String? = nil,
        timeout: Duration = .seconds(5)
    ) async throws -> LabHTTPResponse {
        try await withNamespace(host) {
            let socket = try LabSocket(
                connectingTo: address,
                port: port,
                type: Int32(SOCK_STREAM.rawValue),
                timeout: timeout
            )
            let authority = hostHeader ?? (address.contains(":") ? "[\(address)]" : address)
            try socket.send(Array("GET \(path) HTTP/1.0\r\nHost: \(authority)\r\nConnection: close\r\n\r\n".utf8))
            let raw = try socket.receiveAll()
            return try Self.parseHTTPResponse(raw)
        }
    }

    static func parseHTTPResponse(_ raw: [UInt8]) throws(LabError) -> LabHTTPResponse {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard
            let split = raw.indices.first(where: { raw[$0...].starts(with: separator) })
        else { throw LabError(code: .clientFailed, message: "HTTP response without a header end (\(raw.count) bytes)") }
        let head = String(decoding: raw[..<split], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/"), let status = Int(statusParts[1]) else {
            throw LabError(code: .clientFailed, message: "bad HTTP status line: \(head[0])")
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces
            )
        }
        return LabHTTPResponse(status: status, headers: headers, body: Array(raw[(split + separator.count)...]))
    }
}
