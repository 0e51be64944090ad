import Glibc
import NetwardenCore

/// The parts of a machine `check-config` compares a configuration with, as closures so the
/// checks are tested without touching sysfs or the file system. Each returns nil when the daemon
/// would be content, or the reason it would not.
public struct ConfigMachine: Sendable {
    /// True if a network interface of that name exists now.
    public var interfaceExists: @Sendable (String) -> Bool
    /// Why a file the daemon reads (CA, token, key) cannot be read, or nil.
    public var unreadableFile: @Sendable (String) -> String?
    /// Why the daemon could not keep its state in this directory, or nil.
    public var unusableStateDirectory: @Sendable (String) -> String?
    /// Why the daemon could not listen on this numeric address, or nil.
    public var unbindableAddress: @Sendable (ListenAddress) -> String?

    public init(
        interfaceExists: @escaping @Sendable (String) -> Bool = { _ in true },
        unreadableFile: @escaping @Sendable (String) -> String? = { _ in nil },
        unusableStateDirectory: @escaping @Sendable (String) -> String? = { _ in nil },
        unbindableAddress: @escaping @Sendable (ListenAddress) -> String? = { _ in nil }
    ) {
        self.interfaceExists = interfaceExists
        self.unreadableFile = unreadableFile
        self.unusableStateDirectory = unusableStateDirectory
        self.unbindableAddress = unbindableAddress
    }

    /// This machine, now.
    public static let current = ConfigMachine(
        interfaceExists: { access("/sys/class/net/" + $0, F_OK) == 0 },
        unreadableFile: LiveMachine.unreadableFile,
        unusableStateDirectory: LiveMachine.unusableStateDirectory,
        unbindableAddress: LiveMachine.unbindableAddress
    )
}

/// The syscalls behind ``ConfigMachine/current``.
enum LiveMachine {
    /// Kernel file systems: the daemon cannot create its spool there (a write fails with a raw
    /// errno deep inside the spool), so they are refused up front.
    static let virtualRoots = ["/proc", "/sys", "/dev"]

    static func unreadableFile(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return "`\(path)`: \(String(cString: strerror(errno)))" }
        guard info.st_mode & S_IFMT == S_IFREG else { return "`\(path)` is not a regular file" }
        guard access(path, R_OK) == 0 else { return "`\(path)` cannot be read: \(String(cString: strerror(errno)))" }
        return nil
    }

    static func unusableStateDirectory(_ path: String) -> String? {
        let resolved = canonical(path)
        if resolved == "/" {
            return "`\(path)` is the root directory; expected a directory of netwarden's own such as /var/lib/netwarden"
        }
        if let root = virtualRoots.first(where: { resolved == $0 || resolved.hasPrefix($0 + "/") }) {
            return "`\(path)` is inside \(root), a kernel file system; expected a directory such as /var/lib/netwarden"
        }
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { return "`\(path)` exists and is not a directory" }
            guard access(path, W_OK | X_OK) == 0 else {
                return "`\(path)` is not writable: \(String(cString: strerror(errno)))"
            }
            return nil
        }
        // Missing: the daemon creates it, so the nearest existing ancestor must take a new entry.
        var ancestor = parent(of: path)
        while stat(ancestor, &info) != 0 { ancestor = parent(of: ancestor) }
        guard info.st_mode & S_IFMT == S_IFDIR else { return "`\(ancestor)` is not a directory" }
        guard access(ancestor, W_OK | X_OK) == 0 else {
            return "`\(path)` does not exist and `\(ancestor)` is not writable: \(String(cString: strerror(errno)))"
        }
        return nil
    }

    static func unbindableAddress(_ address: ListenAddress) -> String? {
        if address.isLoopback || address.isUnspecified { return nil }
        // Compared in inet_ntop's spelling, so `fd00:0::1` matches `fd00::1`.
        let wanted = normalized(address.host)
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return nil }
        defer { freeifaddrs(list) }
        var cursor = list
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        while let entry = cursor {
            cursor = entry.pointee.ifa_next
            guard let socketAddress = entry.pointee.ifa_addr else { continue }
            let family = Int32(socketAddress.pointee.sa_family)
            if family == AF_INET {
                var address = UnsafeRawPointer(socketAddress).load(as: sockaddr_in.self).sin_addr
                inet_ntop(AF_INET, &address, &buffer, socklen_t(buffer.count))
            } else if family == AF_INET6 {
                var address = UnsafeRawPointer(socketAddress).load(as: sockaddr_in6.self).sin6_addr
                inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count))
            } else {
                continue
            }
            let text = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text == wanted { return nil }
        }
        return "no interface on this machine has the address \(address.host); the daemon could not listen on it"
    }

    static func normalized(_ host: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = host.contains(":") ? AF_INET6 : AF_INET
        guard inet_pton(family, host, &bytes) == 1, inet_ntop(family, bytes, &buffer, socklen_t(buffer.count)) != nil
        else { return host }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `path` with symbolic links and `..` resolved as far as it exists.
    static func canonical(_ path: String) -> String {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        let up = parent(of: path)
        if up == path { return path }
        let base = canonical(up)
        let name = path.split(separator: "/").last.map(String.init) ?? ""
        return base == "/" ? "/" + name : base + "/" + name
    }

    static func parent(of path: String) -> String {
        var parts = path.split(separator: "/")
        guard !parts.isEmpty else { return "/" }
        parts.removeLast()
        return "/" + parts.joined(separator: "/")
    }
}
