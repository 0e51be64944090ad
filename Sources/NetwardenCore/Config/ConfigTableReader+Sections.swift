extension ConfigTableReader {
    /// On a file's root reader: reports top-level entries that are not one of `sections`
    /// (misspelt headers, or settings written above the first header, where they would silently
    /// belong to no section). Shared by every program that reads a netwarden-style file, so the
    /// daemon's and the collector's `check-config` word these errors alike.
    public func reportUnknownSections(_ sections: [String], example: String) {
        for entry in table.entries where !sections.contains(entry.key) {
            if case .invalid = entry.value.kind { continue }
            let key = TOMLKeyPath.display([entry.key])
            if case .table = entry.value.kind {
                var message = "unknown section [\(key)]"
                if let guess = EditDistance.suggestion(for: entry.key, among: sections) {
                    message += "; did you mean [\(guess)]?"
                } else {
                    message += "; expected one of: " + sections.map { "[\($0)]" }.joined(separator: ", ")
                }
                diagnostics.report(.unknownSection, at: entry.keyLocation, key: key, message)
            } else {
                diagnostics.report(
                    .unknownKey,
                    at: entry.keyLocation,
                    key: key,
                    "a setting outside any section; expected it below a section header such as [\(example)]"
                )
            }
        }
    }
}
