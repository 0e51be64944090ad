import Testing

// @testable: the first stage is internal, and whether its false positives happen at all (and
// are then answered correctly) cannot be seen through the public API.
@testable import NetwardenFiltering

/// The matcher's first stage may pass unlisted names but must never stop a listed one, and the
/// names it passes by mistake must still come back unlisted.
@Suite struct SuffixFilterTests {
    static func names(_ prefix: String, _ count: Int) -> [String] {
        (0..<count).map { "\(prefix)\($0).example" }
    }

    static func hash(_ name: String) -> UInt64 {
        Array(name.utf8).withUnsafeBytes { NameHash.of($0) }
    }

    @Test func noFalseNegativesAndAFewPercentFalsePositives() {
        let listed = Self.names("site", 50_000)
        let filter = SuffixFilter(entries: listed.count)
        defer { filter.deallocate() }
        for name in listed { filter.insert(Self.hash(name)) }
        for name in listed {
            let hash = Self.hash(name)
            #expect(SuffixFilter.mayContain(hash, word: filter.load(hash)))
        }
        let passed = Self.names("other", 100_000).filter {
            let hash = Self.hash($0)
            return SuffixFilter.mayContain(hash, word: filter.load(hash))
        }
        // About 2.5 % at 8 bits a key and 4 bits a hash; a broken mask would show 0 or 100 %.
        #expect(passed.count > 500 && passed.count < 5_000, "\(passed.count) of 100,000 passed")
    }

    @Test func namesThatPassTheFilterByMistakeAreStillUnlisted() throws {
        var builder = try CategoryMatcherBuilder(categories: [FilterCategory(name: "c", policy: .mustBlock)])
        for name in Self.names("site", 50_000) { builder.add(domain: name, category: 0) }
        let matcher = try builder.build()
        let passed = Self.names("other", 100_000).filter {
            let hash = Self.hash($0)
            return SuffixFilter.mayContain(hash, word: matcher.filter.load(hash))
        }
        #expect(passed.count > 500)
        for name in passed {
            #expect(matcher.match(name).isEmpty, "\(name)")
            #expect(matcher.match("www." + name).isEmpty, "www.\(name)")
        }
    }
}
