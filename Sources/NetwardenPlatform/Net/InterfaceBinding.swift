import Glibc

/// Binds a socket to one network interface (SO_BINDTODEVICE), as every probe does when a
/// gateway with two uplinks must measure each. One place, so the errno mapping (ENODEV: no such
/// interface, EPERM: no CAP_NET_RAW) is the same for ICMP, TCP and DNS probes.
public enum InterfaceBinding {
    public static func bind(_ descriptor: Int32, to interface: String) throws(SystemError) {
        let status = interface.withCString {
            setsockopt(descriptor, SOL_SOCKET, SO_BINDTODEVICE, $0, socklen_t(strlen($0) + 1))
        }
        if status != 0 { throw SystemError("setsockopt(SO_BINDTODEVICE)", context: "binding to \(interface)") }
    }
}
