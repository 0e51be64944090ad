import NetwardenFiltering
import NetwardenProtocols
import Testing

/// Suffix matching, merging and reload of the compact matcher.
@Suite struct CategoryMatcherTests {
    static let categories = [
        FilterCategory(name: "adult", policy: .mustBlock),
        FilterCategory(name: "games", policy: .monitor),
    ]

    static func matcher(_ lists: [(String, Int)]) throws -> CategoryMatcher {
        var builder = try CategoryMatcherBuilder(categories: categories)
        for (text, category) in lists {
            _ = builder.addList(contents: Array(text.utf8), fileName: "l", format: .domains, category: category)
        }
        return try builder.build()
    }

    @Test func matchesTheDomainAndSubdomainsOnLabelBoundariesOnly() throws {
        let matcher = try Self.matcher([("example.com\n", 0)])
        #expect(matcher.match("example.com").categories.contains(0))
        #expect(matcher.match("www.example.com").categories.contains(0))
        #expect(matcher.match("a.b.c.example.com").listedLength == 11)
        #expect(matcher.match("WWW.Example.COM.").categories.contains(0))
        #expect(matcher.match("badexample.com").isEmpty)
        #expect(matcher.match("example.com.evil.net").isEmpty)
        #expect(matcher.match("com").isEmpty)
        #expect(matcher.match("").isEmpty)
        #expect(matcher.match(DomainName(parsing: "cdn.example.com")!).categories.contains(0))
    }

    @Test func unionsCategoriesOfEverySuffixAndMergesDuplicates() throws {
        let matcher = try Self.matcher([
            ("example.com\nshared.org\n", 0), ("games.example.com\nshared.org\nshared.org\n", 1),
        ])
        #expect(matcher.domainCount == 3)
        #expect(matcher.duplicatesMerged == 2)
        #expect(Array(matcher.match("x.games.example.com").categories) == [0, 1])
        #expect(Array(matcher.match("example.com").categories) == [0])
        #expect(Array(matcher.match("shared.org").categories) == [0, 1])
        #expect(matcher.mustBlock == CategoryMask(index: 0))
    }

    @Test func manyNamesAllFoundAndNeighboursNot() throws {
        var text = ""
        for index in 0..<20_000 { text += "site\(index).example\n" }
        let matcher = try Self.matcher([(text, 0)])
        #expect(matcher.domainCount == 20_000)
        for index in stride(from: 0, to: 20_000, by: 7) {
            #expect(!matcher.match("www.site\(index).example").isEmpty)
            #expect(matcher.match("site\(index + 20_000).example").isEmpty)
        }
        #expect(matcher.memoryBytes < 20_000 * 32)
    }

    @Test func builderRefusesTooManyOrDuplicateCategories() {
        let many = (0...128).map { FilterCategory(name: "c\($0)", policy: .monitor) }
        #expect(throws: CategoryMatcherError.self) { try CategoryMatcherBuilder(categories: many) }
        let twice = [FilterCategory(name: "a", policy: .monitor), FilterCategory(name: "a", policy: .mustBlock)]
        do {
            _ = try CategoryMatcherBuilder(categories: twice)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .duplicateCategory)
        }
    }

    @Test func reloadSwapsWholeMatchers() throws {
        let old = try Self.matcher([("old.example\n", 0)])
        let reloadable = ReloadableCategoryMatcher(old)
        let held = reloadable.current
        let replaced = reloadable.replace(with: try Self.matcher([("new.example\n", 0)]))
        #expect(replaced === old)
        #expect(reloadable.current.match("new.example").categories.contains(0))
        #expect(reloadable.current.match("old.example").isEmpty)
        // A reader that took the old matcher keeps a complete one until it lets go.
        #expect(held.match("old.example").categories.contains(0))
    }

    @Test func ut1Layout() {
        #expect(UT1Layout.domainsFile(root: "/srv/ut1/", category: "adult") == "/srv/ut1/adult/domains")
        #expect(UT1Layout.isCategoryName("mixed_adult"))
        #expect(!UT1Layout.isCategoryName("README.md") && !UT1Layout.isCategoryName(".git"))
    }
}
