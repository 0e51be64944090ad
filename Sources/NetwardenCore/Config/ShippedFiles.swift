/// Where the netwarden package installs the data it ships: the bypass lists, the example
/// category lists, the canary catalogue and the block-page fingerprints (`etc/netwarden/lists`
/// and `etc/netwarden/filter-tests` in the repository).
///
/// They live under /usr/share, not /etc: they are the package's files, replaced on every
/// upgrade, while /etc holds only what the technician edits (`netwarden.toml`, and lists of the
/// school's own, which are added next to the shipped ones in the config).
public enum ShippedFiles {
    /// The package's data directory; a path under it that is missing means netwarden runs
    /// without the package (quick start, tests), which is a warning rather than an error.
    public static let directory = "/usr/share/netwarden/"
    /// DoH providers, DoH resolver addresses, Tor relays, and example category lists.
    public static let listDirectory = directory + "lists/"
    /// The default canary catalogue and block-page fingerprints.
    public static let filterTestDirectory = directory + "filter-tests/"

    /// True for a file the package ships (so its absence is a warning).
    public static func isShipped(_ path: String) -> Bool { path.hasPrefix(directory) }
}
