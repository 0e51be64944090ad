import NetwardenCore

/// A canary catalogue file: the shipped default (`etc/netwarden/filter-tests/canaries.txt`) and
/// any a trust adds. One canary a line: `CATEGORY EXPECT URL [MARKER...]`, `#` comments.
///
/// Several targets per category are listed on purpose: ``select(_:perCategory:run:)`` rotates
/// through them, so one address a filter special-cases cannot make a category look covered.
public enum CanaryCatalogue {
    /// A line that could not be read.
    public struct Problem: Sendable, Equatable {
        public var line: Int
        public var message: String
    }

    /// Parses a catalogue; canary names are `CATEGORY-N` in file order.
    public static func parse(_ text: String, source: String = "catalogue") -> ([FilterTestsSection.Canary], [Problem]) {
        var canaries: [FilterTestsSection.Canary] = []
        var problems: [Problem] = []
        var perCategory: [String: Int] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.prefix { $0 != "#" }.trimmingSpaces
            if line.isEmpty { continue }
            let fields = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true).map(String.init)
            guard fields.count >= 3 else {
                problems.append(
                    Problem(line: index + 1, message: "expected CATEGORY EXPECT URL [MARKER], found `\(line)`")
                )
                continue
            }
            if let problem = ConfigLabel.problem(with: fields[0]) {
                problems.append(Problem(line: index + 1, message: "category: \(problem)"))
                continue
            }
            guard let expect = FilterTestsSection.Expectation(rawValue: fields[1]) else {
                problems.append(Problem(line: index + 1, message: "`\(fields[1])`: expected blocked or allowed"))
                continue
            }
            guard let url = CanaryURL(fields[2]) else {
                problems.append(Problem(line: index + 1, message: "`\(fields[2])` is not an http:// or https:// URL"))
                continue
            }
            let number = perCategory[fields[0], default: 0] + 1
            perCategory[fields[0]] = number
            canaries.append(
                FilterTestsSection.Canary(
                    name: "\(fields[0])-\(number)",
                    category: fields[0],
                    url: url.text,
                    expect: expect,
                    marker: fields.count > 3 ? fields[3] : nil
                )
            )
        }
        return (canaries, problems)
    }

    /// `perCategory` canaries of each category for run number `run`, taken in turn so that over
    /// successive runs every target is tried. Order of first appearance is kept.
    public static func select(
        _ canaries: [FilterTestsSection.Canary],
        perCategory: Int,
        run: Int
    ) -> [FilterTestsSection.Canary] {
        var order: [String] = []
        var groups: [String: [FilterTestsSection.Canary]] = [:]
        for canary in canaries {
            if groups[canary.category] == nil { order.append(canary.category) }
            groups[canary.category, default: []].append(canary)
        }
        var selected: [FilterTestsSection.Canary] = []
        for category in order {
            let group = groups[category] ?? []
            let take = min(perCategory, group.count)
            let start = (max(run, 0) * take) % group.count
            for offset in 0..<take { selected.append(group[(start + offset) % group.count]) }
        }
        return selected
    }
}
