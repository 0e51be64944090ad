import Glibc
import NetwardenCore

/// An IPv4 or IPv6 socket address, owned by value, convertible to and from `sockaddr`.
public struct SocketAddress: Sendable, Equatable, CustomStringConvertible {
    public enum Family: Sendable { case v4, v6 }

    private var storage: sockaddr_storage
    public let family: Family

    public static func == (lhs: SocketAddress, rhs: SocketAddress) -> Bool {
        lhs.description == rhs.description && lhs.port == rhs.port
    }

    /// Parses a numeric address ("192.0.2.1", "2001:db8::1", "fe80::1%eth0" not supported).
    public init?(numeric text: String, port: UInt16 = 0) {
        var storage = sockaddr_storage()
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            withUnsafeMutableBytes(of: &storage) { raw in
                let sin = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
                sin.pointee.sin_family = sa_family_t(AF_INET)
                sin.pointee.sin_port = port.bigEndian
                sin.pointee.sin_addr = v4
            }
            self.storage = storage
            family = .v4
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            withUnsafeMutableBytes(of: &storage) { raw in
                let sin6 = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                sin6.pointee.sin6_family = sa_family_t(AF_INET6)
                sin6.pointee.sin6_port = port.bigEndian
                sin6.pointee.sin6_addr = v6
            }
            self.storage = storage
            family = .v6
        } else {
            return nil
        }
    }

    init?(storage: sockaddr_storage) {
        self.storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET: family = .v4
        case AF_INET6: family = .v6
        default: return nil
        }
    }

    public var length: socklen_t {
        socklen_t(family == .v4 ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size)
    }

    public var port: UInt16 {
        get {
            withUnsafeBytes(of: storage) { raw in
                family == .v4
                    ? UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port)
                    : UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port)
            }
        }
        set {
            let family = self.family
            withUnsafeMutableBytes(of: &storage) { raw in
                if family == .v4 {
                    raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self).pointee.sin_port = newValue.bigEndian
                } else {
                    raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self).pointee.sin6_port = newValue.bigEndian
                }
            }
        }
    }

    /// Calls `body` with a `sockaddr` pointer for bind/connect/sendto.
    public func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> R) rethrows -> R {
        try withUnsafeBytes(of: storage) { raw in
            try body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }

    /// The numeric address without port.
    public var description: String {
        var buffer = [UInt8](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        withUnsafeBytes(of: storage) { raw in
            buffer.withUnsafeMutableBytes { out in
                let destination = out.baseAddress!.assumingMemoryBound(to: CChar.self)
                if family == .v4 {
                    var address = raw.load(as: sockaddr_in.self).sin_addr
                    _ = inet_ntop(AF_INET, &address, destination, socklen_t(out.count))
                } else {
                    var address = raw.load(fromByteOffset: 0, as: sockaddr_in6.self).sin6_addr
                    _ = inet_ntop(AF_INET6, &address, destination, socklen_t(out.count))
                }
            }
        }
        return String(decoding: buffer.prefix(while: { $0 != 0 }), as: UTF8.self)
    }
}

/// Name resolution through the system resolver (getaddrinfo), used to turn probe targets into
/// addresses. Blocking: call it off the cooperative pool (see `BlockingWork`).
public enum AddressResolver {
    /// Resolution failure with getaddrinfo's own words.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var host: String
        public var message: String
        public var description: String { "cannot resolve \(host): \(message)" }
    }

    /// Addresses for `host` (a name or a numeric address), in the resolver's order, filtered by
    /// `preference`. A numeric address is returned without touching DNS.
    public static func resolve(_ host: String, preference: IPPreference = .any) -> Result<[SocketAddress], Failure> {
        if let numeric = SocketAddress(numeric: host) {
            switch (preference, numeric.family) {
            case (.ipv4, .v6), (.ipv6, .v4):
                return .failure(Failure(host: host, message: "address family does not match \(preference.rawValue)"))
            default: return .success([numeric])
            }
        }
        var hints = addrinfo()
        hints.ai_family = preference == .ipv4 ? AF_INET : preference == .ipv6 ? AF_INET6 : AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else {
            return .failure(Failure(host: host, message: String(cString: gai_strerror(status))))
        }
        defer { freeaddrinfo(list) }
        var out: [SocketAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let address = entry.pointee.ai_addr {
                var storage = sockaddr_storage()
                withUnsafeMutableBytes(of: &storage) { raw in
                    raw.copyMemory(from: UnsafeRawBufferPointer(start: address, count: Int(entry.pointee.ai_addrlen)))
                }
                if let socketAddress = SocketAddress(storage: storage), !out.contains(socketAddress) {
                    out.append(socketAddress)
                }
            }
            cursor = entry.pointee.ai_next
        }
        return out.isEmpty ? .failure(Failure(host: host, message: "no addresses")) : .success(out)
    }
}
