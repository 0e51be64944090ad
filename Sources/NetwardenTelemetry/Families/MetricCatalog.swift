extension MetricFamily {
    /// Every family the daemon can publish, in the order /metrics lists them.
    public static let all: [MetricFamily] =
        daemonFamilies + linkFamilies + probeFamilies + wifiFamilies + captureFamilies + filterTestFamilies

    private static let byName: [String: MetricFamily] = Dictionary(
        all.map { ($0.name, $0) },
        uniquingKeysWith: { first, _ in first }
    )

    /// The family called `name`; a name from another netwarden version (a spooled record
    /// written before an upgrade) gets an untyped gauge so it still travels.
    public static func named(_ name: String) -> MetricFamily {
        byName[name] ?? MetricFamily(name, .gauge, help: "")
    }

    /// The catalogue by the UTF-8 length of the names, each with its name's bytes, for
    /// `named(utf8:)`; in catalogue order, so the first of a duplicated name wins as in `byName`.
    private static let byLength: [[(utf8: [UInt8], family: MetricFamily)]] = {
        var table = [[(utf8: [UInt8], family: MetricFamily)]](repeating: [], count: 1)
        for family in all {
            let utf8 = Array(family.name.utf8)
            if table.count <= utf8.count { table += Array(repeating: [], count: utf8.count + 1 - table.count) }
            table[utf8.count].append((utf8, family))
        }
        return table
    }()

    /// `named(_:)` for a name given as UTF-8 bytes. The spool codec reads one family name per
    /// sample; a catalogue name is found by comparing bytes with the few names of its length,
    /// without making (and hashing) a `String` that would be dropped straight away.
    static func named(utf8 bytes: UnsafeRawBufferPointer) -> MetricFamily {
        if bytes.count < byLength.count {
            for candidate in byLength[bytes.count] where candidate.utf8.withUnsafeBytes({ $0.elementsEqual(bytes) }) {
                return candidate.family
            }
        }
        return named(String(decoding: bytes, as: UTF8.self))
    }

    /// Whether `name` is declared in this version's catalogue.
    public static func isDeclared(_ name: String) -> Bool { byName[name] != nil }
}
