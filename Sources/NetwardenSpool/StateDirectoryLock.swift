import Glibc
import Synchronization

/// Makes sure only one daemon uses a state directory: an exclusive `flock` on `<dir>/lock`,
/// held until `release()` or deinit (in practice the process lifetime), with the holder's pid
/// written into the file so the second one can say who has it.
///
/// flock rather than a pid file alone: the kernel drops the lock when the holder dies, even by
/// kill -9, so a stale pid file never blocks a restart. The lock belongs to the open file
/// description, so a second `open` of the same file, even in the same process, is refused too.
public final class StateDirectoryLock: Sendable {
    /// The lock file's path.
    public let path: String
    private let descriptor: Mutex<Int32>

    /// Takes the lock on `directory` (creating the directory if needed) without waiting.
    /// Throws `SpoolError` with code `.locked` and a message naming the holder's pid when another
    /// process (or descriptor) holds it.
    public static func acquire(directory: String) throws(SpoolError) -> StateDirectoryLock {
        try SpoolFileSystem.makeDirectory(directory)
        let path = directory + "/lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            throw SpoolError(
                code: .cannotCreateFile,
                path: path,
                message: "cannot open lock file \(path): \(SpoolFileSystem.errorText(code))",
                errno: code
            )
        }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            let holder = SpoolFileSystem.readAt(fd, offset: 0, count: 32).flatMap {
                Int32(String(decoding: $0, as: UTF8.self).trimmingSpaces)
            }
            close(fd)
            let who = holder.map { "another netwarden (pid \($0))" } ?? "another netwarden"
            let reason =
                code == EWOULDBLOCK
                ? "\(who) is using \(directory)" : "cannot lock \(path): \(SpoolFileSystem.errorText(code))"
            throw SpoolError(code: .locked, path: directory, message: reason, errno: code)
        }
        // Only the holder writes the pid, so a losing contender never clobbers it.
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return StateDirectoryLock(path: path, descriptor: fd)
    }

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = Mutex(descriptor)
    }

    /// Gives the lock up early (closing the descriptor releases the flock).
    public func release() {
        descriptor.withLock { fd in
            if fd >= 0 { close(fd) }
            fd = -1
        }
    }

    deinit { release() }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(unicodeScalars.filter { $0 != " " && $0 != "\n" && $0 != "\0" })
    }
}
