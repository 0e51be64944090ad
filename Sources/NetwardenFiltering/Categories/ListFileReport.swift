/// What loading one list file did: how many domains it added and what it refused.
///
/// Bad lines never stop a load (a third-party list with one broken line must still block the
/// rest); they are counted, and the first few are kept with line numbers for the log.
public struct ListFileReport: Sendable, Equatable {
    /// One refused line.
    public struct Problem: Sendable, Equatable {
        public var line: Int
        /// The offending word or line, shortened to 80 characters.
        public var text: String
        public var problem: DomainProblem
    }

    /// How many problems are kept verbatim; the rest are only counted.
    public static let keptProblems = 5

    public var fileName: String
    public var category: String
    public var format: ListFormat
    public var lines = 0
    /// Domains added (a name repeated in several lists is added by each; the matcher merges them).
    public var domains = 0
    public var invalid = 0
    /// AdBlock rules other than `||name^` (exceptions, paths, cosmetic filters, options).
    public var ignoredRules = 0
    /// Loopback names in hosts files (`localhost`, `ip6-allnodes`, ...), skipped on purpose.
    public var skippedLocalNames = 0
    public var problems: [Problem] = []

    public init(fileName: String, category: String, format: ListFormat) {
        self.fileName = fileName
        self.category = category
        self.format = format
    }

    /// One `FILE:LINE: `text`: problem` line per kept problem, then a count of the rest.
    public var messages: [String] {
        var lines = problems.map { "\(fileName):\($0.line): `\($0.text)`: \($0.problem)" }
        if invalid > problems.count {
            let more = invalid - problems.count
            lines.append("\(fileName): \(more) more invalid line\(more == 1 ? "" : "s")")
        }
        return lines
    }

    mutating func refuse(line: Int, text: UnsafeRawBufferPointer, _ problem: DomainProblem) {
        invalid += 1
        guard problems.count < Self.keptProblems else { return }
        let shown = UnsafeRawBufferPointer(rebasing: text.prefix(80))
        problems.append(Problem(line: line, text: String(decoding: shown, as: UTF8.self), problem: problem))
    }
}
