import NetwardenFiltering
import Testing

/// Each list format, with the bad lines reported by line number.
@Suite struct ListFormatTests {
    private func load(_ text: String, _ format: ListFormat) throws -> (ListFileReport, CategoryMatcher) {
        var builder = try CategoryMatcherBuilder(categories: [FilterCategory(name: "adult", policy: .mustBlock)])
        let report = builder.addList(contents: Array(text.utf8), fileName: "adult.txt", format: format, category: 0)
        return (report, try builder.build())
    }

    @Test func domainsWithCommentsCaseTrailingDotsAndBadLines() throws {
        let (report, matcher) = try load(
            """
            \u{FEFF}# comment
            Example.COM.
              spaced.example\t
            *.wild.example
            bad..example
            tld
            naïve.example
            two words.example
            under_score.example # inline comment
            a.\(String(repeating: "x", count: 64)).example
            bad!.example
            """,
            .domains
        )
        #expect(report.domains == 4)
        #expect(report.invalid == 6)
        #expect(report.lines == 11)
        #expect(
            report.messages == [
                "adult.txt:5: `bad..example`: an empty label (two dots in a row, or a leading dot)",
                "adult.txt:6: `tld`: a single label (a top-level domain); expected a domain like example.com",
                "adult.txt:7: `naïve.example`: non-ASCII characters; internationalised names must be written in punycode (xn--...)",
                "adult.txt:8: `two words.example`: more than one word; expected one domain per line",
                "adult.txt:10: `a.\(String(repeating: "x", count: 64)).example`: a label of 64 characters; a label has at most 63",
                "adult.txt: 1 more invalid line",
            ]
        )
        for name in ["example.com", "spaced.example", "x.wild.example", "under_score.example"] {
            #expect(!matcher.match(name).isEmpty, "\(name)")
        }
    }

    @Test func hostsFiles() throws {
        let (report, matcher) = try load(
            """
            # hosts
            127.0.0.1 localhost
            ::1 localhost ip6-localhost ip6-loopback
            0.0.0.0 ads.example
            127.0.0.1\ttrack.example   www.track.example # two names
            0.0.0.0
            ads2.example
            """,
            .hosts
        )
        #expect(report.domains == 3)
        #expect(report.skippedLocalNames == 4)
        #expect(report.problems.map(\.line) == [6, 7])
        #expect(report.problems.map(\.problem) == [.malformedHostsLine, .malformedHostsLine])
        #expect(!matcher.match("www.track.example").isEmpty && matcher.match("localhost").isEmpty)
    }

    @Test func adBlockUsesOnlyPlainDomainRules() throws {
        let (report, matcher) = try load(
            """
            [Adblock Plus 2.0]
            ! Title: test
            ||ads.example^
            ||pipe.example^|
            ||bare.example
            ||opts.example^$third-party
            ||path.example/banner
            @@||allowed.example^
            ##.banner
            example.org##.ad
            /banner/*
            ||bad_char!.example^
            """,
            .adblock
        )
        #expect(report.domains == 3)
        #expect(report.ignoredRules == 6)
        #expect(report.problems.map(\.line) == [12])
        #expect(!matcher.match("x.ads.example").isEmpty && !matcher.match("pipe.example").isEmpty)
        #expect(matcher.match("opts.example").isEmpty && matcher.match("allowed.example").isEmpty)
    }

    @Test func autoDecidesPerLine() throws {
        let (report, matcher) = try load("0.0.0.0 hosts.example\n||adblock.example^\nplain.example\n! note\n", .auto)
        #expect(report.domains == 3 && report.invalid == 0)
        for name in ["hosts.example", "adblock.example", "plain.example"] { #expect(!matcher.match(name).isEmpty) }
    }

    @Test func ut1DomainsFilesAreLoadedPerCategory() throws {
        var builder = try CategoryMatcherBuilder(categories: [
            FilterCategory(name: "adult", policy: .mustBlock), FilterCategory(name: "gambling", policy: .mustBlock),
        ])
        // The caller lists <root>/<category>/domains and hands over each file's bytes.
        let files = [("adult", "porn.example\nxxx.example\n"), ("gambling", "casino.example\n")]
        for (category, text) in files {
            let report = builder.addList(
                contents: Array(text.utf8),
                fileName: UT1Layout.domainsFile(root: "/srv/ut1", category: category),
                format: .ut1,
                category: try builder.index(of: category)
            )
            #expect(report.invalid == 0)
        }
        let matcher = try builder.build()
        #expect(Array(matcher.match("www.casino.example").categories) == [1])
        #expect(Array(matcher.match("xxx.example").categories) == [0])
    }

    /// The same bytes give the same result however the line endings are written.
    @Test func crlfAndMissingFinalNewline() throws {
        let (report, matcher) = try load("a.example\r\nb.example\r\nc.example", .domains)
        #expect(report.domains == 3 && report.invalid == 0)
        #expect(!matcher.match("c.example").isEmpty)
    }
}
