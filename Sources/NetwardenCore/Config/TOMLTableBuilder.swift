/// A table while the parser is still filling it.
///
/// A class because `[a.b]` headers and dotted keys reach back into tables created earlier; the
/// finished tree (`TOMLTable`) is a value type made by `freeze()`.
final class TOMLTableBuilder {
    /// How the table came to exist: TOML forbids redefining some of these and allows others.
    enum Origin {
        case root
        /// Named by a `[header]` (or a `[[header]]` element).
        case header
        /// Created on the way to a deeper `[a.b.c]` header; a later `[a.b]` may still define it.
        case implicit
        /// Created by a dotted key (`a.b = 1`); only dotted keys in the same table may extend it.
        case dotted
        /// An inline `{ ... }` table under construction.
        case inline
    }

    enum Item {
        /// A finished value (also inline tables and `[...]` arrays: TOML makes both immutable).
        case value(TOMLValue)
        case table(TOMLTableBuilder)
        case tableArray([TOMLTableBuilder])
    }

    var origin: Origin
    var location: TOMLLocation
    private(set) var keys: [String] = []
    private(set) var items: [String: (item: Item, keyLocation: TOMLLocation)] = [:]

    init(origin: Origin, location: TOMLLocation) {
        self.origin = origin
        self.location = location
    }

    var isEmpty: Bool { keys.isEmpty }

    func set(_ key: String, _ item: Item, keyLocation: TOMLLocation) {
        if items[key] == nil { keys.append(key) }
        items[key] = (item, keyLocation)
    }

    /// The immutable tree. Recursion depth is bounded by the parser's nesting limit.
    func freeze() -> TOMLTable {
        var table = TOMLTable()
        for key in keys {
            guard let (item, keyLocation) = items[key] else { continue }
            let value: TOMLValue
            switch item {
            case .value(let finished):
                value = finished
            case .table(let builder):
                value = TOMLValue(.table(builder.freeze()), at: builder.location)
            case .tableArray(let builders):
                let elements = builders.map { TOMLValue(.table($0.freeze()), at: $0.location) }
                value = TOMLValue(.array(elements), at: keyLocation)
            }
            table.append(TOMLTable.Entry(key: key, keyLocation: keyLocation, value: value))
        }
        return table
    }
}
