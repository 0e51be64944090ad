import NetwardenCore

/// What a reload means for a running capture, decided in one place for the service's two
/// loops (waiting while capture cannot start, and supervising while it runs).
///
/// Capture depends on more than `[capture]` and `[filter]`: each thread's judge is built with
/// the site (`[identity]`) and a pseudonym key that lives under `state_directory` unless
/// `pseudonym_key_file` says otherwise. Missing those here once left a reloaded daemon judging
/// with the old site and the old key.
public enum CaptureReload: Sendable, Equatable {
    /// Nothing capture uses changed.
    case none
    /// Only the category lists changed: swap them into the running judges, no gap.
    case swapCategories
    /// Anything else capture uses changed: restart the capture threads with the new settings.
    case restart

    public static func action(from old: RuntimeSettings, to new: RuntimeSettings) -> CaptureReload {
        if new.capture != old.capture || new.lan != old.lan || new.identity != old.identity
            || new.stateDirectory != old.stateDirectory
        {
            return .restart
        }
        guard new.filter != old.filter else { return .none }
        var categoriesOnly = new.filter
        categoriesOnly.categories = old.filter.categories
        return categoriesOnly == old.filter ? .swapCategories : .restart
    }
}
