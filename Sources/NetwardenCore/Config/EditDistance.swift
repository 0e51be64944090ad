/// "Did you mean ...?" suggestions for misspelt keys and section names.
enum EditDistance {
    /// Levenshtein distance with adjacent transpositions counted as one edit (`log_levle` is one
    /// typo away from `log_level`, not two). Case-insensitive: `Log_Level` is the same mistake.
    static func distance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs.lowercased().unicodeScalars)
        let b = Array(rhs.lowercased().unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previousPrevious[j - 2] + 1)
                }
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }

    /// The closest candidate if it is close enough to be a plausible typo: at most 2 edits, and
    /// fewer than half the word (so `ab` is not "corrected" to an unrelated `cd`). Failing that,
    /// a candidate the word abbreviates (`warn` for `warning`), as people write from memory.
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        let limit = min(2, max(1, word.count / 2))
        let scored = candidates.map { ($0, distance(word, $0)) }.filter { $0.1 <= limit }
        if let best = scored.min(by: { $0.1 < $1.1 }) { return best.0 }
        guard word.count >= 3 else { return nil }
        return candidates.first { $0.lowercased().hasPrefix(word.lowercased()) }
    }
}
