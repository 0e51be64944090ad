import Glibc

/// The socket a probe sends from: non-blocking, close-on-exec, bound to the configured
/// interface (SO_BINDTODEVICE) and source address (any port), so every probe kind tests the
/// uplink or VLAN it was told to.
enum ProbeSocket {
    /// A socket of `type` for `destination`'s family; the caller closes it.
    static func open(
        type: __socket_type,
        protocolName: String,
        destination: SocketAddress,
        interface: String?,
        source: SocketAddress?
    ) throws(SystemError) -> Int32 {
        let domain = destination.family == .v4 ? AF_INET : AF_INET6
        let fd = socket(
            domain,
            Int32(type.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue),
            0
        )
        guard fd >= 0 else { throw SystemError("socket", context: "opening \(protocolName) socket") }
        do throws(SystemError) {
            if let interface { try InterfaceBinding.bind(fd, to: interface) }
            if let source {
                var address = source
                address.port = 0
                if address.withSockAddr({ bind(fd, $0, $1) }) != 0 {
                    throw SystemError("bind", context: "binding to \(source)")
                }
            }
        } catch {
            close(fd)
            throw error
        }
        return fd
    }
}
