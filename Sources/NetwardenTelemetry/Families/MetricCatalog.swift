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

    /// Whether `name` is declared in this version's catalogue.
    public static func isDeclared(_ name: String) -> Bool { byName[name] != nil }
}
