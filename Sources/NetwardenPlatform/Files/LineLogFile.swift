import Glibc

/// A JSON-lines file a technician tails: whole lines only, rotated by size, and followed by
/// path when someone deletes or renames it.
///
/// Three promises the plain append file did not keep:
/// - **No torn line, ever.** A write that fails part-way (disk full) is cut back to the last
///   whole line with `ftruncate`, and a file whose last line a crash left unfinished is cut back
///   to its last newline when it is opened, so `jq` never meets `{"ts":...{"ts":...`.
/// - **Reopened when moved.** Before each write the path is compared with the open descriptor
///   (device and inode); if logrotate renamed the file or a technician deleted it, the next
///   write goes to a new file at the path instead of silently into the old one.
/// - **Bounded.** At `maxFileBytes` the file rotates to `.1`, `.2`, ... keeping `keepFiles`.
///
/// Not thread-safe: the owner serialises calls (the sink holds a lock).
public final class LineLogFile {
    public let path: String
    private let maxFileBytes: Int64
    private let keepFiles: Int
    private var descriptor: Int32 = -1
    private var size: Int64 = 0
    private var identity: (device: UInt64, inode: UInt64) = (0, 0)

    public init(path: String, maxFileBytes: Int64 = 16 << 20, keepFiles: Int = 3) {
        self.path = path
        self.maxFileBytes = maxFileBytes
        self.keepFiles = keepFiles
    }

    deinit { closeFile() }

    /// Appends `bytes`, which must be whole newline-terminated lines, as one write. On failure
    /// nothing of it stays in the file.
    public func append(lines bytes: [UInt8]) throws(SystemError) {
        guard !bytes.isEmpty else { return }
        if descriptor >= 0 {
            if movedAway() {
                closeFile()
            } else if size > 0 && size + Int64(bytes.count) > maxFileBytes {
                closeFile()
                rotateFiles()
            }
        }
        if descriptor < 0 { try openFile() }
        // The size now, not as cached: someone may have truncated the file in place
        // (logrotate's copytruncate), and a rollback to a stale size would pad it with NULs.
        var info = stat()
        if fstat(descriptor, &info) == 0 { size = Int64(info.st_size) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                let error = SystemError("write", context: path)
                // Take back the part that made it so the file never ends mid-line.
                if offset > 0 { _ = ftruncate(descriptor, off_t(size)) }
                closeFile()
                throw error
            }
            offset += written
        }
        size += Int64(bytes.count)
    }

    public func close() { closeFile() }

    private func openFile() throws(SystemError) {
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw SystemError("open", context: path) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let error = SystemError("fstat", context: path)
            Glibc.close(fd)
            throw error
        }
        descriptor = fd
        identity = (UInt64(info.st_dev), UInt64(info.st_ino))
        size = Int64(info.st_size)
        trimUnfinishedLastLine()
    }

    /// A crash or a full disk in an older version may have left a partial last line: cut the
    /// file back to just after its last newline.
    private func trimUnfinishedLastLine() {
        guard size > 0 else { return }
        var last: UInt8 = 0
        guard pread(descriptor, &last, 1, off_t(size - 1)) == 1, last != 0x0A else { return }
        var end = size - 1
        var chunk = [UInt8](repeating: 0, count: 4096)
        while end > 0 {
            let start = max(0, end - Int64(chunk.count))
            let count = Int(end - start)
            let read = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(start)) }
            guard read == count else { return }
            if let newline = chunk[0..<count].lastIndex(of: 0x0A) {
                end = start + Int64(newline) + 1
                break
            }
            end = start
        }
        if ftruncate(descriptor, off_t(end)) == 0 { size = end }
    }

    private func movedAway() -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return true }
        return UInt64(info.st_dev) != identity.device || UInt64(info.st_ino) != identity.inode
    }

    private func rotateFiles() {
        // path.2 -> .3, .1 -> .2, current -> .1; the oldest falls off.
        unlink("\(path).\(keepFiles)")
        if keepFiles > 1 {
            for index in stride(from: keepFiles - 1, through: 1, by: -1) {
                rename("\(path).\(index)", "\(path).\(index + 1)")
            }
        }
        rename(path, "\(path).1")
    }

    private func closeFile() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }
}
