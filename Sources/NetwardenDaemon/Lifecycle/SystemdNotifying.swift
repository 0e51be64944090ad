/// What the daemon needs from the service manager connection. `SystemdNotifier` (Platform) is the
/// real one; the seam exists so lifecycle logic can be exercised without a socket.
public protocol SystemdNotifying: Sendable {
    /// Half of `$WATCHDOG_USEC` when systemd asked for keep-alives, else nil.
    var watchdogInterval: Duration? { get }
    func ready()
    func reloading()
    func stopping()
    func status(_ text: String)
    func watchdog()
}
