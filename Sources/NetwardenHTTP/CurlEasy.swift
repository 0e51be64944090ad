import CCurl

/// One libcurl easy handle, owned: created in init, cleaned up in deinit. Nothing else in the
/// project touches a `CURL *`; options and info go through the typed methods here, which turn
/// curl's variadic C API (see the CCurl shim) into checked Swift calls.
final class CurlEasy {
    private let handle: UnsafeMutableRawPointer
    /// curl's CURLOPT_ERRORBUFFER, owned with the handle so it can never outlive it or be freed
    /// while curl may still write into it (cleanup runs first in deinit).
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// curl_global_init must run once, before any other thread uses curl.
    private static let globalInit: Void = {
        _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    init() throws(CurlError) {
        _ = Self.globalInit
        guard let handle = curl_easy_init() else {
            throw CurlError(code: CURLE_FAILED_INIT, detail: "curl_easy_init failed")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let code = CCurl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer))
        guard code == CURLE_OK else {
            curl_easy_cleanup(handle)
            errorBuffer.deallocate()
            throw CurlError(code: code, detail: "CURLOPT_ERRORBUFFER refused")
        }
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(CCurl_easy_setopt_long(handle, option, value), option)
    }

    func set(_ option: CURLoption, _ value: Bool) throws(CurlError) {
        try set(option, value ? 1 : 0)
    }

    /// curl copies string options (since 7.17), so the Swift string may go away afterwards.
    func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        let code = value.withCString { CCurl_easy_setopt_string(handle, option, $0) }
        try check(code, option)
    }

    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(CurlError) {
        try check(CCurl_easy_setopt_pointer(handle, option, pointer), option)
    }

    func setWriteFunction(
        _ callback: @escaping @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int
    ) throws(CurlError) {
        try check(CCurl_easy_setopt_write_function(handle, callback), CURLOPT_WRITEFUNCTION)
    }

    /// The body source for uploads (SMTP's DATA); curl calls it until it returns 0.
    func setReadFunction(
        _ callback: @escaping @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int
    ) throws(CurlError) {
        try check(CCurl_easy_setopt_read_function(handle, callback), CURLOPT_READFUNCTION)
    }

    func set(_ option: CURLoption, offset value: Int64) throws(CurlError) {
        try check(CCurl_easy_setopt_off_t(handle, option, curl_off_t(value)), option)
    }

    func setHeaderFunction(
        _ callback: @escaping @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int
    ) throws(CurlError) {
        try check(CCurl_easy_setopt_header_function(handle, callback), CURLOPT_HEADERFUNCTION)
    }

    func setTransferInfoFunction(
        _ callback:
            @escaping @convention(c) (UnsafeMutableRawPointer?, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
            -> Int32
    ) throws(CurlError) {
        try check(CCurl_easy_setopt_xferinfo_function(handle, callback), CURLOPT_XFERINFOFUNCTION)
    }

    func setDebugFunction(
        _ callback:
            @escaping @convention(c) (
                UnsafeMutableRawPointer?, curl_infotype, UnsafeMutablePointer<CChar>?, Int, UnsafeMutableRawPointer?
            ) -> Int32
    ) throws(CurlError) {
        try check(CCurl_easy_setopt_debug_function(handle, callback), CURLOPT_DEBUGFUNCTION)
    }

    /// Runs the transfer; `errorDetail` then describes a failure (cleared first, so a message
    /// never survives from an earlier transfer on this handle).
    func perform() -> CURLcode {
        errorBuffer[0] = 0
        return curl_easy_perform(handle)
    }

    /// curl's own words for the last failed `perform`, or "" where it gave none.
    var errorDetail: String { String(cString: errorBuffer) }

    func long(_ info: CURLINFO) -> Int? {
        var value = 0
        return CCurl_easy_getinfo_long(handle, info, &value) == CURLE_OK ? value : nil
    }

    /// A `*_TIME_T` timer (microseconds) as seconds.
    func seconds(_ info: CURLINFO) -> Double {
        var value: curl_off_t = 0
        return CCurl_easy_getinfo_off_t(handle, info, &value) == CURLE_OK ? Double(value) / 1e6 : 0
    }

    func offset(_ info: CURLINFO) -> Int64? {
        var value: curl_off_t = 0
        return CCurl_easy_getinfo_off_t(handle, info, &value) == CURLE_OK ? Int64(value) : nil
    }

    func string(_ info: CURLINFO) -> String? {
        var value: UnsafePointer<CChar>?
        guard CCurl_easy_getinfo_string(handle, info, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }

    /// Every "Expire date" in the certificate chain (needs CURLOPT_CERTINFO before perform).
    func certificateExpiryFields() -> [String] {
        var raw: UnsafeMutableRawPointer?
        guard CCurl_easy_getinfo_pointer(handle, CURLINFO_CERTINFO, &raw) == CURLE_OK,
            let info = raw?.assumingMemoryBound(to: curl_certinfo.self).pointee,
            info.num_of_certs > 0, let lists = info.certinfo
        else { return [] }
        var out: [String] = []
        for index in 0..<Int(info.num_of_certs) {
            var node = lists[index]
            while let current = node {
                if let data = current.pointee.data {
                    let line = String(cString: data)
                    if line.hasPrefix("Expire date:") { out.append(String(line.dropFirst("Expire date:".count))) }
                }
                node = current.pointee.next
            }
        }
        return out
    }

    /// The leaf certificate's "Issuer:" line as OpenSSL prints it (needs CURLOPT_CERTINFO).
    func certificateIssuer() -> String? {
        var raw: UnsafeMutableRawPointer?
        guard CCurl_easy_getinfo_pointer(handle, CURLINFO_CERTINFO, &raw) == CURLE_OK,
            let info = raw?.assumingMemoryBound(to: curl_certinfo.self).pointee,
            info.num_of_certs > 0, let lists = info.certinfo
        else { return nil }
        var node = lists[0]
        while let current = node {
            if let data = current.pointee.data {
                let line = String(cString: data)
                if line.hasPrefix("Issuer:") { return String(line.dropFirst("Issuer:".count)) }
            }
            node = current.pointee.next
        }
        return nil
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(CurlError) {
        guard code == CURLE_OK else { throw CurlError(code: code, detail: "setting option \(option.rawValue)") }
    }
}

/// A libcurl failure: its code, curl's own words for it, and what we were doing.
public struct CurlError: Error, CustomStringConvertible, Sendable {
    public var code: UInt32
    public var detail: String

    init(code: CURLcode, detail: String) {
        self.code = code.rawValue
        self.detail = detail
    }

    public var description: String {
        let text = String(cString: curl_easy_strerror(CURLcode(rawValue: code)))
        return detail.isEmpty ? text : "\(detail): \(text)"
    }
}
