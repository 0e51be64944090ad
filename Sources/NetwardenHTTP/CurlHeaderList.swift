import CCurl

/// A `curl_slist` of request header lines, owned: freed in deinit. curl reads the list during
/// `curl_easy_perform` without copying it, so the list must outlive the transfer that uses it.
final class CurlHeaderList {
    private(set) var pointer: UnsafeMutablePointer<curl_slist>?

    init() {}

    deinit { curl_slist_free_all(pointer) }

    /// Adds one raw line (`Name: value`, or `Name:` to stop curl sending a header of its own).
    /// False when curl is out of memory.
    func append(_ line: String) -> Bool {
        guard let extended = line.withCString({ curl_slist_append(pointer, $0) }) else { return false }
        pointer = extended
        return true
    }
}
