import NetwardenFiltering
import NetwardenTestSupport
import Testing

/// `match(batch:)` against single lookups and against a plain dictionary model of the suffix
/// rule, on random lists and names (fixed seeds, so a failure repeats).
@Suite struct CategoryMatcherBatchTests {
    typealias Random = SeededGenerator

    static let categories = [
        FilterCategory(name: "adult", policy: .mustBlock),
        FilterCategory(name: "games", policy: .monitor),
        FilterCategory(name: "social", policy: .monitor),
    ]
    /// Few, short labels, so listed names share parents and queries often hit several suffixes.
    static let labels = ["a", "b", "ab", "x1", "cdn", "www", "shop", "play", "m"]
    static let tlds = ["com", "net", "co.uk", "example"]

    static func domain(_ random: inout Random, labels count: Int) -> String {
        var parts: [String] = []
        for _ in 0..<count { parts.append(labels[random.below(labels.count)] + String(random.below(40))) }
        return (parts + [tlds[random.below(tlds.count)]]).joined(separator: ".")
    }

    /// The suffix rule spelled out: every listed suffix on a label boundary contributes its
    /// categories; the longest gives the length.
    static func expected(_ name: String, listed: [String: CategoryMask]) -> CategoryMatch {
        var bytes = Array(name.lowercased().utf8)
        if bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
        guard !bytes.isEmpty, bytes.count <= 253 else { return CategoryMatch() }
        var result = CategoryMatch()
        let starts = [0] + bytes.indices.filter { bytes[$0] == UInt8(ascii: ".") }.map { $0 + 1 }
        for start in starts {
            guard let categories = listed[String(decoding: bytes[start...], as: UTF8.self)] else { continue }
            result.categories = result.categories.union(categories)
            result.listedLength = max(result.listedLength, bytes.count - start)
        }
        return result
    }

    static func randomCase(_ name: String, _ random: inout Random) -> String {
        String(name.map { random.below(4) == 0 ? Character($0.uppercased()) : $0 })
    }

    static func batchResults(_ matcher: CategoryMatcher, _ names: [String], batchSize: Int) -> [CategoryMatch] {
        var results = [CategoryMatch](repeating: CategoryMatch(listedLength: -1), count: names.count)
        let storage = names.map { Array($0.utf8) }
        var pointers: [UnsafeRawBufferPointer] = []
        for index in storage.indices {
            storage[index].withUnsafeBytes { pointers.append($0) }
        }
        // The arrays outlive the pointers' use: `storage` is alive until this function returns.
        withExtendedLifetime(storage) {
            pointers.withUnsafeBufferPointer { all in
                results.withUnsafeMutableBufferPointer { results in
                    var next = 0
                    while next < all.count {
                        let count = min(batchSize, all.count - next)
                        matcher.match(
                            batch: UnsafeBufferPointer(rebasing: all[next..<(next + count)]),
                            into: UnsafeMutableBufferPointer(rebasing: results[next..<(next + count)])
                        )
                        next += count
                    }
                }
            }
        }
        return results
    }

    @Test(arguments: [1, 7, 64, 100_000])
    func batchesAnswerAsSingleLookupsAndTheSuffixRule(batchSize: Int) throws {
        var random = Random(seed: 2024)
        var builder = try CategoryMatcherBuilder(categories: Self.categories)
        var listed: [String: CategoryMask] = [:]
        var listedNames: [String] = []
        for _ in 0..<6_000 {
            let name = Self.domain(&random, labels: 1 + random.below(3))
            let category = random.below(3)
            #expect(builder.add(domain: name, category: category) == nil)
            listed[name, default: CategoryMask()].insert(category)
            listedNames.append(name)
        }
        let matcher = try builder.build()

        var queries: [String] = ["", ".", "com", "co.uk", "example.", "a..com", ".a1.com"]
        for _ in 0..<20_000 {
            switch random.below(4) {
            case 0: queries.append(listedNames[random.below(listedNames.count)])
            case 1:
                let parent = listedNames[random.below(listedNames.count)]
                queries.append(Self.domain(&random, labels: 1 + random.below(4)) + "." + parent)
            default: queries.append(Self.domain(&random, labels: 1 + random.below(5)))
            }
            if random.below(5) == 0 { queries[queries.count - 1] = Self.randomCase(queries.last!, &random) }
            if random.below(10) == 0 { queries[queries.count - 1] += "." }
        }
        // More suffixes than one group of probes holds, and a name too long to be a name.
        let parent = listedNames[0]
        queries.append(String(repeating: "z.", count: 60) + parent)
        queries.append(String(repeating: "z.", count: 130) + parent)

        let batched = Self.batchResults(matcher, queries, batchSize: batchSize)
        var hits = 0
        for (index, query) in queries.enumerated() {
            let expected = Self.expected(query, listed: listed)
            #expect(matcher.match(query) == expected, "\(query)")
            #expect(batched[index] == expected, "\(query)")
            if !expected.isEmpty { hits += 1 }
        }
        // The mix must exercise both answers, and deep names with several listed suffixes.
        #expect(hits > 5_000 && hits < 18_000)
        #expect(batched[queries.count - 2].listedLength == parent.utf8.count)
        #expect(batched[queries.count - 1].isEmpty)
    }

    @Test func batchOfManyUnmatchableNamesThenAListedOne() throws {
        var builder = try CategoryMatcherBuilder(categories: Self.categories)
        builder.add(domain: "listed.example", category: 1)
        let matcher = try builder.build()
        // Single labels make no probes; 70,000 of them pass the 16-bit name index of a group.
        let names = Array(repeating: "localhost", count: 70_000) + ["www.listed.example", "x.example"]
        let results = Self.batchResults(matcher, names, batchSize: names.count)
        #expect(results[0..<70_000].allSatisfy { $0 == CategoryMatch() })
        #expect(results[70_000] == CategoryMatch(categories: CategoryMask(index: 1), listedLength: 14))
        #expect(results[70_001].isEmpty)
    }

    @Test func emptyBatchWritesNothing() throws {
        let matcher = try CategoryMatcher(categories: Self.categories)
        var results = [CategoryMatch(listedLength: 7)]
        results.withUnsafeMutableBufferPointer {
            matcher.match(batch: UnsafeBufferPointer(start: nil, count: 0), into: $0)
        }
        #expect(results == [CategoryMatch(listedLength: 7)])
    }
}

extension SeededGenerator {
    /// A value in `0..<bound` (modulo bias is irrelevant for picking test names).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
