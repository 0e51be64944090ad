import NetwardenTestSupport
import Testing

// @testable: the block layout is internal, and what it could get wrong (crowded buckets, escaped
// counts, the eight-bytes-at-a-time helpers) only shows with a forced bucket count or directly.
@testable import NetwardenFiltering

/// The matcher's one-block-per-bucket layout, forced into its corners: no names, one name,
/// every name in one block (including more than 255), duplicates, case.
@Suite struct DomainBlocksTests {
    static let categories = [
        FilterCategory(name: "adult", policy: .mustBlock),
        FilterCategory(name: "games", policy: .monitor),
        FilterCategory(name: "social", policy: .monitor),
    ]

    static func matcher(_ lists: [[String]], bucketCount: Int? = nil) throws -> CategoryMatcher {
        var builder = try CategoryMatcherBuilder(categories: categories)
        for (category, names) in lists.enumerated() {
            for name in names { #expect(builder.add(domain: name, category: category) == nil, "\(name)") }
        }
        return try builder.build(bucketCount: bucketCount)
    }

    /// The suffix rule over a plain dictionary, for comparison.
    static func expected(_ name: String, _ listed: [String: CategoryMask]) -> CategoryMatch {
        var bytes = Array(name.utf8)
        if bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
        guard !bytes.isEmpty, bytes.count <= 253 else { return CategoryMatch() }
        let lowered = bytes.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }
        var result = CategoryMatch()
        for start in [0] + lowered.indices.filter({ lowered[$0] == UInt8(ascii: ".") }).map({ $0 + 1 }) {
            guard let set = listed[String(decoding: lowered[start...], as: UTF8.self)] else { continue }
            result.categories = result.categories.union(set)
            result.listedLength = max(result.listedLength, lowered.count - start)
        }
        return result
    }

    static func batch(_ matcher: CategoryMatcher, _ names: [String]) -> [CategoryMatch] {
        let storage = names.map { Array($0.utf8) }
        var pointers: [UnsafeRawBufferPointer] = []
        for index in storage.indices { storage[index].withUnsafeBytes { pointers.append($0) } }
        var results = [CategoryMatch](repeating: CategoryMatch(listedLength: -1), count: names.count)
        withExtendedLifetime(storage) {
            pointers.withUnsafeBufferPointer { names in
                results.withUnsafeMutableBufferPointer { matcher.match(batch: names, into: $0) }
            }
        }
        return results
    }

    @Test func emptyMatcherAnswersNothing() throws {
        for matcher in [try CategoryMatcher(categories: Self.categories), try Self.matcher([])] {
            #expect(matcher.domainCount == 0 && matcher.duplicatesMerged == 0)
            #expect(matcher.memoryBytes < 1_000)
            for name in ["example.com", "a.b", "WWW.EXAMPLE.COM.", "", "."] { #expect(matcher.match(name).isEmpty) }
            #expect(Self.batch(matcher, ["x.y", "", "z"]) == Array(repeating: CategoryMatch(), count: 3))
        }
    }

    @Test func oneDomain() throws {
        let matcher = try Self.matcher([[], ["only.example"]])
        #expect(matcher.domainCount == 1)
        #expect(matcher.match("only.example") == CategoryMatch(categories: CategoryMask(index: 1), listedLength: 12))
        #expect(matcher.match("a.b.ONLY.example.").listedLength == 12)
        for name in ["example", "nly.example", "xonly.example", "only.example.com", "only.exampl", "only-example"] {
            #expect(matcher.match(name).isEmpty, "\(name)")
        }
    }

    /// Names that share a block with the listed ones and differ from one of them in one byte, in
    /// length by one, or only by case.
    @Test(arguments: [5, 16, 17, 254, 255, 300, 700])
    func everyNameInOneBlock(count: Int) throws {
        var listed: [String: CategoryMask] = [:]
        var lists: [[String]] = [[], [], []]
        for index in 0..<count {
            // Lengths from 3 to well past 16 bytes, so names start at many offsets in the block.
            let name = String(repeating: "w", count: index % 23) + "n\(index).example"
            lists[index % 3].append(name)
            listed[name] = CategoryMask(index: index % 3)
        }
        let matcher = try Self.matcher(lists, bucketCount: 1)
        #expect(matcher.domainCount == count)
        for (name, set) in listed {
            #expect(matcher.match(name) == CategoryMatch(categories: set, listedLength: name.utf8.count), "\(name)")
            #expect(matcher.match("www." + name.uppercased()).categories == set, "\(name)")
            #expect(matcher.match("x" + name).isEmpty, "x\(name)")
            #expect(matcher.match(String(name.dropFirst())).isEmpty || listed[String(name.dropFirst())] != nil)
            #expect(matcher.match(name.replacingFirst("n", with: "m")).isEmpty, "\(name)")
        }
    }

    @Test func duplicatesMergeTheirCategoriesWithinABlock() throws {
        let shared = (0..<40).map { "shared\($0).example" }
        for buckets in [1, 3, nil] {
            let matcher = try Self.matcher(
                [shared + ["adult.example"], shared + shared.prefix(10), shared.suffix(5) + ["social.example"]],
                bucketCount: buckets
            )
            #expect(matcher.domainCount == 42)
            #expect(matcher.duplicatesMerged == 40 + 10 + 5)
            #expect(Array(matcher.match("a.shared0.example").categories) == [0, 1])
            #expect(Array(matcher.match("shared39.example").categories) == [0, 1, 2])
            #expect(Array(matcher.match("adult.example").categories) == [0])
            #expect(Array(matcher.match("social.example").categories) == [2])
        }
    }

    @Test func tooManyCombinationsOfCategoriesIsAnError() throws {
        // 128 categories; every name in a different three of them: more than 65,535 sets.
        let categories = (0..<128).map { FilterCategory(name: "c\($0)", policy: .monitor) }
        var builder = try CategoryMatcherBuilder(categories: categories)
        var combinations = 0
        outer: for first in 0..<128 {
            for second in (first + 1)..<128 {
                for third in (second + 1)..<128 {
                    let name = "n\(combinations).example"
                    builder.add(domain: name, category: first)
                    builder.add(domain: name, category: second)
                    builder.add(domain: name, category: third)
                    combinations += 1
                    if combinations == 70_000 { break outer }
                }
            }
        }
        do {
            _ = try builder.build()
            Issue.record("expected tooManyCategoryCombinations")
        } catch {
            #expect(error.code == .tooManyCategoryCombinations)
        }
    }

    @Test func namesDifferingOnlyInCase() throws {
        let names = ["ab.cd", "mixed.example", "a-much-longer-name-than-sixteen-bytes.example"]
        let matcher = try Self.matcher([names], bucketCount: 1)
        for name in names {
            let alternating = String(name.enumerated().map { $0 % 2 == 0 ? Character($1.uppercased()) : $1 })
            let lastUpper = String(name.dropLast()) + name.suffix(1).uppercased()
            for variant in [name.uppercased(), alternating, lastUpper] {
                #expect(matcher.match(variant).listedLength == name.utf8.count, "\(variant)")
                #expect(matcher.match("WWW." + variant + ".").listedLength == name.utf8.count, "\(variant)")
            }
        }
    }

    @Test func batchMixingHitsMissesAndNamesThatCannotMatch() throws {
        let long = (0..<31).map { _ in "abcdefg" }.joined(separator: ".") + ".ab.cd"  // 253 bytes
        let matcher = try Self.matcher([["hit.example", long], ["ab.cd"]])
        let names = [
            "hit.example", "", "miss.example", ".", "www.HIT.example.", "localhost", long, long + ".", "x" + long,
            "ab.cd", String(repeating: "a", count: 300), "sub.ab.cd",
        ]
        let listed = [
            "hit.example": CategoryMask(index: 0), long: CategoryMask(index: 0), "ab.cd": CategoryMask(index: 1),
        ]
        let results = Self.batch(matcher, names)
        for (index, name) in names.enumerated() {
            #expect(results[index] == Self.expected(name, listed), "\(name)")
            #expect(matcher.match(name) == results[index], "\(name)")
        }
        #expect(long.utf8.count == 253)
        #expect(results[6].listedLength == 253 && results[7].listedLength == 253)
        // 254 bytes is longer than any name: not even its listed suffix `ab.cd` is looked up.
        #expect(results[8].isEmpty)
    }

    /// Batch, single lookups and the dictionary model agree on random names, with blocks of
    /// hundreds of names, of tens, and of the usual size.
    @Test(arguments: [1, 7, 150, nil])
    func randomNamesAgreeWithANaiveModel(buckets: Int?) throws {
        var random = CategoryMatcherBatchTests.Random(seed: 77 + UInt64(buckets ?? 0))
        let labels = ["a", "bb", "ccc", "www", "shop", "mail", "x1", "longerlabel"]
        func name(_ count: Int) -> String {
            (0..<count).map { _ in labels[random.below(labels.count)] + String(random.below(9)) }.joined(separator: ".")
        }
        var lists: [[String]] = [[], [], []]
        var listed: [String: CategoryMask] = [:]
        for _ in 0..<1_500 {
            let domain = name(2 + random.below(2))
            let category = random.below(3)
            lists[category].append(domain)
            listed[domain, default: CategoryMask()].insert(category)
        }
        let matcher = try Self.matcher(lists, bucketCount: buckets)
        #expect(matcher.domainCount == listed.count)
        let all = Array(listed.keys)
        var queries: [String] = []
        for _ in 0..<4_000 {
            var query =
                random.below(2) == 0
                ? name(1 + random.below(2)) + "." + all[random.below(all.count)] : name(2 + random.below(3))
            if random.below(4) == 0 { query = query.uppercased() }
            queries.append(query)
        }
        let results = Self.batch(matcher, queries)
        var hits = 0
        for (index, query) in queries.enumerated() {
            let expected = Self.expected(query, listed)
            #expect(results[index] == expected, "\(query)")
            #expect(matcher.match(query) == expected, "\(query)")
            if !expected.isEmpty { hits += 1 }
        }
        #expect(hits > 1_500 && hits < 3_500)
    }

    @Test func wordHelpersAgreeWithTheirByteDefinitions() {
        // `lower` against `NameHash.lower` for every byte value in every position of a word.
        for byte in 0...255 {
            for position in 0..<8 {
                let shift = UInt64(8 * position)
                let word = UInt64(byte) << shift | 0x4141_4141_4141_4141 & ~(0xFF << shift)
                let expected = UInt64(NameHash.lower(UInt8(byte))) << shift | 0x6161_6161_6161_6161 & ~(0xFF << shift)
                #expect(NameHash.lower(word) == expected, "byte \(byte) at \(position)")
            }
        }
        #expect(DomainBlocks.firstBytes(-3) == 0 && DomainBlocks.firstBytes(0) == 0)
        #expect(DomainBlocks.firstBytes(3) == 0xFF_FFFF && DomainBlocks.firstBytes(9) == .max)
        #expect(DomainBlocks.gather(0x8000_0080_0000_8000) == 0b1001_0010)
        #expect(DomainBlocks.sumOfBytes(0xFDFD_FDFD_FDFD_FDFD) == 8 * 253)
        #expect(DomainBlocks.sumOfBytes(0x0102_0304_0506_0708) == 36)
    }
}

extension String {
    fileprivate func replacingFirst(_ target: Character, with replacement: Character) -> String {
        guard let index = firstIndex(of: target) else { return self }
        var copy = self
        copy.replaceSubrange(index...index, with: String(replacement))
        return copy
    }
}
