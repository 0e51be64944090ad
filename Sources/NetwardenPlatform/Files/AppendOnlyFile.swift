import Glibc

/// A file opened for appending, owning its descriptor (closed in deinit).
///
/// Plain `open(2)`/`write(2)` rather than Foundation's FileHandle: the daemon links only
/// FoundationEssentials, which keeps ICU and full Foundation (about 6 MB of resident pages) out of
/// a process that runs on every school gateway. O_APPEND makes each `write` land at the end even if
/// someone else (logrotate's copytruncate) touches the file.
public final class AppendOnlyFile {
    public let path: String
    private let descriptor: Int32

    public init(path: String, permissions: mode_t = 0o640) throws(SystemError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, permissions)
        if descriptor < 0 { throw SystemError("open", context: path) }
    }

    deinit { close(descriptor) }

    /// Current size in bytes.
    public func size() throws(SystemError) -> UInt64 {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw SystemError("fstat", context: path) }
        return UInt64(info.st_size)
    }

    /// Writes all of `bytes`, retrying short writes and EINTR.
    public func write(_ bytes: [UInt8]) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw SystemError("write", context: path)
            }
            offset += written
        }
    }
}
