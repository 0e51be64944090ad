import Glibc

/// The handful of file system calls the spool makes, with EINTR and short transfers handled,
/// so the spool's logic reads as logic. Plain descriptors, no Foundation: see `AppendOnlyFile`.
enum SpoolFileSystem {
    /// Creates `path` and its missing parents (mode 0750: telemetry is not for every user).
    static func makeDirectory(_ path: String) throws(SpoolError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o750) != 0 && errno != EEXIST {
                let code = errno
                throw SpoolError(
                    code: .cannotCreateDirectory,
                    path: prefix,
                    message: "cannot create spool directory \(prefix): \(errorText(code))",
                    errno: code
                )
            }
        }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw SpoolError(
                code: .cannotCreateDirectory,
                path: path,
                message: "cannot use \(path) as spool directory: it is not a directory",
                errno: ENOTDIR
            )
        }
    }

    /// fsync on a directory, so a created, renamed or removed entry survives a power cut.
    @discardableResult
    static func syncDirectory(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return fsync(fd) == 0
    }

    /// Names in `path` (no `.` and `..`), unsorted; empty when it cannot be read.
    static func list(_ path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// The whole file, or nil when it cannot be opened or read.
    static func readFile(_ path: String, limit: Int = Int.max) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        let size = min(Int(info.st_size), limit)
        return readAt(fd, offset: 0, count: size)
    }

    /// Up to `count` bytes at `offset` (fewer at end of file), or nil on a read error.
    static func readAt(_ fd: Int32, offset: Int, count: Int) -> [UInt8]? {
        guard count > 0 else { return [] }
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let result = pread(fd, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if result < 0 {
                    if errno == EINTR { continue }
                    failed = true
                    break
                }
                if result == 0 { break }
                done += result
            }
            initialized = done
        }
        return failed ? nil : bytes
    }

    /// Writes all of `bytes` to `fd`; on failure returns errno (0 on success).
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if written == 0 { return EIO }
            offset += written
        }
        return 0
    }

    /// Replaces `path` with `bytes` so a reader sees the old or the new content, never a mix,
    /// even across a power cut: write a temporary file, fsync it, rename it over, fsync the
    /// directory. Returns errno on failure (0 on success).
    static func writeAtomically(_ path: String, _ bytes: [UInt8], directory: String) -> Int32 {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else { return errno }
        var failure = bytes.withUnsafeBytes { writeAll(fd, $0) }
        if failure == 0 && fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure == 0 && rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            return failure
        }
        syncDirectory(directory)
        return 0
    }

    /// Overwrites the existing file `path` with `bytes` where it lies, then fsyncs it. For a
    /// full disk only: `writeAtomically` then has no block for its temporary copy, while a small
    /// file that already exists owns one. Not atomic, so callers must recognise a torn result
    /// (the ack file's checksum does). Returns errno on failure (0 on success).
    static func overwriteInPlace(_ path: String, _ bytes: [UInt8]) -> Int32 {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                pwrite(fd, $0.baseAddress! + offset, $0.count - offset, off_t(offset))
            }
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if written == 0 { return EIO }
            offset += written
        }
        // Shrinking never needs space; the new content is normally as long or longer anyway.
        if ftruncate(fd, off_t(bytes.count)) != 0 { return errno }
        return fsync(fd) == 0 ? 0 : errno
    }

    /// Size of the file system holding `path` in bytes, or nil.
    static func fileSystemSize(_ path: String) -> Int64? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return Int64(info.f_blocks) * Int64(info.f_frsize)
    }

    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }
}
