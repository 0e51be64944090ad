import Synchronization

/// Failed sign-ins counted per user name and per client address; too many in a row lock that
/// user (or address) out for a while, so a password cannot be guessed at the speed of the
/// server. The slow password hash already costs an attacker a quarter second per guess; this
/// turns "a quarter second" into "a few guesses a minute".
///
/// Per address the limit is higher than per user: a school office or a trust's VPN puts many
/// people behind one address, and one person's typos must not lock out their colleagues.
/// A lock grows with each one that follows without a success (doubling, capped), and a correct
/// password after the lock clears both counts. Time is passed in (monotonic seconds) so tests
/// drive it without sleeping.
public final class LoginThrottle: Sendable {
    /// How many failures lock, and for how long.
    public struct Policy: Sendable, Equatable {
        public var userFailures: Int
        public var addressFailures: Int
        /// The first lock; each further one doubles it, up to `maximumLockSeconds`.
        public var lockSeconds: Double
        public var maximumLockSeconds: Double
        /// Failures older than this are forgotten (the count starts again).
        public var windowSeconds: Double

        public init(
            userFailures: Int = 5,
            addressFailures: Int = 20,
            lockSeconds: Double = 60,
            maximumLockSeconds: Double = 900,
            windowSeconds: Double = 900
        ) {
            self.userFailures = userFailures
            self.addressFailures = addressFailures
            self.lockSeconds = lockSeconds
            self.maximumLockSeconds = maximumLockSeconds
            self.windowSeconds = windowSeconds
        }
    }

    /// Running totals, for the log and for tests.
    public struct Counters: Sendable, Equatable {
        /// Wrong user or password.
        public var failures = 0
        /// Attempts refused without checking the password because a lock was in force.
        public var refused = 0
        /// Locks imposed.
        public var locks = 0

        public init(failures: Int = 0, refused: Int = 0, locks: Int = 0) {
            self.failures = failures
            self.refused = refused
            self.locks = locks
        }
    }

    /// Why an attempt may not be made now.
    public struct Lock: Sendable, Equatable {
        /// Whole seconds until it may be tried again (at least 1, for `Retry-After`).
        public var retryAfterSeconds: Int
        /// "user" or "address": which count is over its limit.
        public var scope: String

        public init(retryAfterSeconds: Int, scope: String) {
            self.retryAfterSeconds = retryAfterSeconds
            self.scope = scope
        }
    }

    struct Entry {
        var failures = 0
        var firstFailure = 0.0
        var lockedUntil = 0.0
        var locks = 0
    }

    public let policy: Policy
    private let state = Mutex<(entries: [String: Entry], counters: Counters)>(([:], Counters()))
    /// Bounds the memory an attacker can make us spend with made-up names and addresses.
    static let maximumEntries = 20_000

    public init(policy: Policy = Policy()) { self.policy = policy }

    public var counters: Counters { state.withLock { $0.counters } }

    static func keys(user: String, address: String?) -> [(key: String, scope: String)] {
        var keys = [(key: "u:" + user, scope: "user")]
        if let address { keys.append((key: "a:" + address, scope: "address")) }
        return keys
    }

    /// Whether `user` from `address` may try a password now; a refusal is counted.
    public func check(user: String, address: String?, now: Double) -> Lock? {
        state.withLock { state in
            var lock: Lock?
            for (key, scope) in Self.keys(user: user, address: address) {
                guard let entry = state.entries[key], entry.lockedUntil > now else { continue }
                let wait = max(1, Int((entry.lockedUntil - now).rounded(.up)))
                if wait > lock?.retryAfterSeconds ?? 0 { lock = Lock(retryAfterSeconds: wait, scope: scope) }
            }
            if lock != nil { state.counters.refused += 1 }
            return lock
        }
    }

    /// A wrong password: counts it, and returns the lock it caused, if any.
    @discardableResult
    public func failed(user: String, address: String?, now: Double) -> Lock? {
        state.withLock { state in
            state.counters.failures += 1
            if state.entries.count >= Self.maximumEntries {
                // Forget what no longer matters first; locks in force are kept.
                state.entries = state.entries.filter { $0.value.lockedUntil > now }
                if state.entries.count >= Self.maximumEntries { state.entries.removeAll() }
            }
            var lock: Lock?
            for (key, scope) in Self.keys(user: user, address: address) {
                var entry = state.entries[key] ?? Entry()
                if entry.failures > 0, now - entry.firstFailure > policy.windowSeconds {
                    entry.failures = 0
                }
                if entry.failures == 0 { entry.firstFailure = now }
                entry.failures += 1
                let limit = scope == "user" ? policy.userFailures : policy.addressFailures
                if entry.failures >= limit {
                    let seconds = min(
                        policy.maximumLockSeconds,
                        policy.lockSeconds * Double(1 << min(entry.locks, 20))
                    )
                    entry.lockedUntil = now + seconds
                    entry.locks += 1
                    entry.failures = 0
                    state.counters.locks += 1
                    let wait = max(1, Int(seconds.rounded(.up)))
                    if wait > lock?.retryAfterSeconds ?? 0 { lock = Lock(retryAfterSeconds: wait, scope: scope) }
                }
                state.entries[key] = entry
            }
            return lock
        }
    }

    /// A correct password: the user's and the address's counts start again.
    public func succeeded(user: String, address: String?) {
        state.withLock { state in
            for (key, _) in Self.keys(user: user, address: address) { state.entries[key] = nil }
        }
    }
}
