import NetwardenPlatform

// The Platform notifier already has exactly the shape the lifecycle needs; the conformance lives
// here because Platform sits below the daemon and cannot see the protocol.
extension SystemdNotifier: SystemdNotifying {}
