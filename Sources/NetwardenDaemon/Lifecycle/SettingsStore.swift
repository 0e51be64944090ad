import Synchronization

/// The running configuration. Services read `current` at the top of each unit of work, so an
/// applied reload takes effect at their next iteration without restarting anything.
public final class SettingsStore: Sendable {
    private let settings: Mutex<RuntimeSettings>

    public init(_ initial: RuntimeSettings) {
        settings = Mutex(initial)
    }

    public var current: RuntimeSettings { settings.withLock { $0 } }

    public func replace(with new: RuntimeSettings) { settings.withLock { $0 = new } }
}
