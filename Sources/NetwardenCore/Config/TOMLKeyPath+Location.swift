/// One step from a table to a value: a key, or an index into an array (of tables).
public enum TOMLPathStep: Sendable, Hashable {
    case key(String)
    case index(Int)
}

extension TOMLTable {
    /// Where the value at `path` was written (the key's location; for an array element, the
    /// element's), or nil when the file does not set it.
    ///
    /// For checks that run after decoding (against the machine, not the schema), so their
    /// findings can name the line a technician has to change, like every schema error does.
    public func location(of path: [TOMLPathStep]) -> TOMLLocation? {
        guard case .key(let first)? = path.first, let entry = self[first] else { return nil }
        var value = entry.value
        var location = entry.keyLocation
        for step in path.dropFirst() {
            switch (step, value.kind) {
            case (.key(let key), .table(let table)):
                guard let next = table[key] else { return nil }
                value = next.value
                location = next.keyLocation
            case (.index(let index), .array(let elements)):
                guard elements.indices.contains(index) else { return nil }
                value = elements[index]
                location = value.location
            default:
                return nil
            }
        }
        return location
    }
}
