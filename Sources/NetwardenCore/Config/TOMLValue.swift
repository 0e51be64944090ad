/// One TOML value and where it was written.
///
/// The location is what lets every schema error name the line a technician has to fix, which is
/// the reason netwarden has its own parser instead of TOMLKit.
public struct TOMLValue: Sendable, Equatable {
    /// What the value holds.
    public enum Kind: Sendable, Equatable {
        case string(String)
        case integer(Int64)
        case float(Double)
        case boolean(Bool)
        case array([TOMLValue])
        case table(TOMLTable)
        /// A value whose syntax error the parser already reported. Kept in the tree so the schema
        /// does not add a second, misleading "missing key" error for the same line.
        case invalid
    }

    public var kind: Kind
    public var location: TOMLLocation

    public init(_ kind: Kind, at location: TOMLLocation) {
        self.kind = kind
        self.location = location
    }

    /// The type as a technician reads it in "expected a string, found an integer".
    public var typeDescription: String {
        switch kind {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .boolean: "a boolean"
        case .array: "an array"
        case .table: "a table"
        case .invalid: "an invalid value"
        }
    }
}

/// A TOML table: its keys in source order, each with the location of the key itself.
///
/// Source order is kept so diagnostics and round-trips list keys the way the file does.
public struct TOMLTable: Sendable, Equatable {
    /// One `key = value` (or sub-table) of a table.
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var keyLocation: TOMLLocation
        public var value: TOMLValue

        public init(key: String, keyLocation: TOMLLocation, value: TOMLValue) {
            self.key = key
            self.keyLocation = keyLocation
            self.value = value
        }
    }

    public private(set) var entries: [Entry]
    private var index: [String: Int]

    public init(entries: [Entry] = []) {
        self.entries = []
        self.index = [:]
        for entry in entries { append(entry) }
    }

    /// Adds an entry; a repeated key replaces the earlier one (the parser never produces repeats).
    public mutating func append(_ entry: Entry) {
        if let existing = index[entry.key] {
            entries[existing] = entry
        } else {
            index[entry.key] = entries.count
            entries.append(entry)
        }
    }

    public subscript(key: String) -> Entry? {
        guard let position = index[key] else { return nil }
        return entries[position]
    }

    public var keys: [String] { entries.map(\.key) }
    public var isEmpty: Bool { entries.isEmpty }

    public static func == (lhs: TOMLTable, rhs: TOMLTable) -> Bool { lhs.entries == rhs.entries }
}
