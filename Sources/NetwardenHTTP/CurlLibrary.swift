import CCurl

/// Facts about the libcurl the process loaded at run time.
public enum CurlLibrary {
    /// libcurl's version line, e.g. "libcurl/7.88.1 OpenSSL/3.0.17 zlib/1.2.13 ...".
    public static var versionString: String {
        String(cString: curl_version())
    }
}
