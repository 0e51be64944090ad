import Glibc

/// An `AF_UNIX` socket address: a file-system path or a name in Linux's abstract namespace.
///
/// Kept as plain bytes (not a `sockaddr_un`) so it is `Sendable` and cheap to store; the C struct
/// is built on the stack for each call that needs it.
public struct UnixSocketAddress: Sendable, Equatable, CustomStringConvertible {
    /// Where the socket lives.
    public enum Kind: Sendable, Equatable {
        /// A socket file at this absolute path.
        case path(String)
        /// A name in the abstract namespace (no file; written `@name`, stored with a leading NUL).
        case abstract(String)
    }

    public let kind: Kind
    /// The bytes that go into `sun_path`: the path, or NUL followed by the abstract name.
    private let sunPath: [UInt8]

    /// Room in `sun_path`: 108 bytes on Linux, one of which a path needs for its terminating NUL.
    static let sunPathCapacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)

    /// A socket file at `path`; fails with ENAMETOOLONG if it does not fit in `sun_path`.
    public init(path: String) throws(SystemError) {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, !bytes.contains(0) else {
            throw SystemError("sockaddr_un", errno: EINVAL, context: "unix socket path '\(path)'")
        }
        guard bytes.count < Self.sunPathCapacity else {
            throw SystemError("sockaddr_un", errno: ENAMETOOLONG, context: "unix socket path '\(path)'")
        }
        kind = .path(path)
        sunPath = bytes
    }

    /// A socket named `name` in the abstract namespace (pass the name without the `@`).
    public init(abstractName name: String) throws(SystemError) {
        let bytes = Array(name.utf8)
        // Abstract names are length-delimited, so no terminating NUL: up to 107 bytes after the
        // leading NUL.
        guard !bytes.isEmpty, bytes.count < Self.sunPathCapacity else {
            throw SystemError("sockaddr_un", errno: ENAMETOOLONG, context: "abstract socket name '@\(name)'")
        }
        kind = .abstract(name)
        sunPath = [0] + bytes
    }

    /// Parses the way `$NOTIFY_SOCKET` is written: an absolute path, or `@name` for the abstract
    /// namespace. Anything else (a relative path, systemd 254's `vsock:` form) is EAFNOSUPPORT.
    public init(parsing text: String) throws(SystemError) {
        if text.hasPrefix("@") {
            try self.init(abstractName: String(text.dropFirst()))
        } else if text.hasPrefix("/") {
            try self.init(path: text)
        } else {
            throw SystemError(
                "sockaddr_un",
                errno: EAFNOSUPPORT,
                context: "'\(text)' is neither an absolute path nor an @abstract socket name"
            )
        }
    }

    /// `@name` or the path, as `$NOTIFY_SOCKET` would spell it.
    public var description: String {
        switch kind {
        case .path(let path): path
        case .abstract(let name): "@" + name
        }
    }

    /// Calls `body` with a `sockaddr` for bind/connect/sendto and its exact length. The length
    /// matters for abstract names: the kernel compares every byte up to it, so padding with NULs
    /// would name a different socket.
    public func withSockAddr<R, E: Error>(
        _ body: (UnsafePointer<sockaddr>, socklen_t) throws(E) -> R
    ) throws(E) -> R {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: sunPath)
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)!
        let length = socklen_t(pathOffset + sunPath.count)
        return try withUnsafePointer(to: &address) { (pointer) throws(E) -> R in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { (sockaddrPointer) throws(E) -> R in
                try body(sockaddrPointer, length)
            }
        }
    }
}
