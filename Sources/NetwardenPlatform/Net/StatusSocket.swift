import Glibc
import Synchronization

/// The daemon's local status socket: a Unix stream socket that answers every connection with
/// one snapshot (`netwarden status` reads it) and closes.
///
/// No request to parse means nothing for a client to get wrong; access control is the file
/// mode (0660: root and the service's group) and the directory's. A client that does not read
/// is cut off by a send timeout, so it cannot hold the accept loop.
public final class StatusSocketServer: Sendable {
    public let path: String

    private struct State {
        var descriptor: Int32
        /// Once serving, the accept thread owns the descriptor and closes it on its way out, so
        /// its number is never reused while the thread could still accept on it.
        var serving = false
        var closed = false
    }

    private let state: Mutex<State>

    /// Binds and listens on `path`, replacing a stale socket left by a killed daemon (only a
    /// socket: any other file there is an error, never deleted).
    public init(path: String, mode: mode_t = 0o660) throws(SystemError) {
        self.path = path
        var info = stat()
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFSOCK else { throw SystemError("bind", errno: EEXIST, context: path) }
            unlink(path)
        }
        let address = try UnixSocketAddress(path: path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError("socket", context: path) }
        // The mode is set before anyone can connect: umask for bind, then chmod to be exact.
        let old = umask(0o777 & ~mode)
        let bound = address.withSockAddr { bind(fd, $0, $1) }
        umask(old)
        guard bound == 0, chmod(path, mode) == 0, listen(fd, 16) == 0 else {
            let error = SystemError("bind", context: path)
            Glibc.close(fd)
            throw error
        }
        state = Mutex(State(descriptor: fd))
    }

    /// Answers connections on a thread of its own until `close()`.
    public func serve(_ respond: @escaping @Sendable () -> [UInt8]) {
        let fd: Int32? = state.withLock { state in
            guard !state.closed, !state.serving else { return nil }
            state.serving = true
            return state.descriptor
        }
        guard let fd else { return }
        // The thread keeps the server alive until it has closed the descriptor.
        let started = DetachedThread.start { [self] in
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 {
                    let code = errno
                    if self.state.withLock({ $0.closed }) { break }
                    if code == EINTR || code == ECONNABORTED { continue }
                    // Out of descriptors or memory for a moment: wait and go on rather than
                    // leaving `netwarden status` dead until a restart.
                    usleep(100_000)
                    continue
                }
                _ = fcntl(client, F_SETFD, FD_CLOEXEC)
                var timeout = timeval(tv_sec: 2, tv_usec: 0)
                setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                let bytes = respond()
                var offset = 0
                while offset < bytes.count {
                    let sent = bytes.withUnsafeBytes {
                        send(client, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
                    }
                    if sent < 0 && errno == EINTR { continue }
                    if sent <= 0 { break }
                    offset += sent
                }
                Glibc.close(client)
            }
            Glibc.close(fd)
        }
        if !started {
            state.withLock { $0.serving = false }
        }
    }

    /// Stops answering and removes the socket file.
    public func close() {
        let (fd, ownedByThread) = state.withLock { state -> (Int32, Bool) in
            guard !state.closed else { return (-1, true) }
            state.closed = true
            return (state.descriptor, state.serving)
        }
        guard fd >= 0 else { return }
        // The file goes now, synchronously (a late unlink from the thread could remove a new
        // server's socket at the same path).
        unlink(path)
        if ownedByThread {
            // Wakes the blocked accept; the thread closes the descriptor on its way out.
            shutdown(fd, Int32(SHUT_RDWR))
        } else {
            Glibc.close(fd)
        }
    }

    deinit { close() }
}

/// `netwarden status`'s side: connects, reads the snapshot to the end.
public enum StatusSocketClient {
    public static func fetch(path: String, limit: Int = 16 << 20) throws(SystemError) -> [UInt8] {
        let address = try UnixSocketAddress(path: path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError("socket", context: path) }
        defer { Glibc.close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard address.withSockAddr({ connect(fd, $0, $1) }) == 0 else { throw SystemError("connect", context: path) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while out.count < limit {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                throw SystemError("recv", context: path)
            }
            if count == 0 { break }
            out += buffer[0..<count]
        }
        return out
    }
}
