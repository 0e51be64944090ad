import Synchronization

/// The matcher in use, swapped whole on reload.
///
/// A reload builds its new `CategoryMatcher` off to the side (seconds for millions of names)
/// while lookups go on against the old one, then `replace` swaps the reference under a lock
/// held only for the swap. Readers take the current matcher once per event and keep it for that
/// event, so no event is judged against half of one list and half of another.
public final class ReloadableCategoryMatcher: Sendable {
    private let matcher: Mutex<CategoryMatcher>

    public init(_ matcher: CategoryMatcher) {
        self.matcher = Mutex(matcher)
    }

    /// The matcher to use for the next lookup or event.
    public var current: CategoryMatcher { matcher.withLock { $0 } }

    /// Installs a freshly built matcher; returns the one it replaced.
    @discardableResult
    public func replace(with newMatcher: CategoryMatcher) -> CategoryMatcher {
        matcher.withLock { current in
            let old = current
            current = newMatcher
            return old
        }
    }
}
