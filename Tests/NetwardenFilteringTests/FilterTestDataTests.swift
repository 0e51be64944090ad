import Foundation
import NetwardenCompliance
import NetwardenCore
import NetwardenFiltering
import Testing

/// The data files of filter testing: fingerprints, catalogues (shipped ones included), the
/// compliance log's hash chain.
@Suite struct FilterTestDataTests {
    static func shipped(_ name: String) throws -> String {
        let parts = #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(3)
        return try String(
            contentsOfFile: parts.joined(separator: "/") + "/etc/netwarden/filter-tests/" + name,
            encoding: .utf8
        )
    }

    @Test func shippedFilesParseWithoutProblems() throws {
        let (fingerprints, problems) = BlockPageFingerprints.parse(try Self.shipped("blockpages.txt"))
        #expect(problems.isEmpty, "\(problems)")
        #expect(fingerprints.matchStatus(451) != nil)
        #expect(fingerprints.matchHost("x.block.opendns.com")?.vendor == "umbrella")
        let (canaries, canaryProblems) = CanaryCatalogue.parse(try Self.shipped("canaries.txt"))
        #expect(canaryProblems.isEmpty, "\(canaryProblems)")
        let categories = Set(canaries.map(\.category))
        for category in ["malware", "gambling", "pornography", "piracy", "drugs", "education"] {
            #expect(categories.contains(category))
        }
        // Several targets per must-block category, so rotation has something to rotate.
        for category in categories where category != "education" {
            #expect(canaries.filter { $0.category == category }.count >= 2, "\(category)")
        }
    }

    @Test func badLinesAreReportedWithTheirNumbers() {
        let (fingerprints, problems) = BlockPageFingerprints.parse(
            "status x 451\nbogus x y\nstatus x 999\naddress x nope\nbody\n"
        )
        #expect(fingerprints.signatures.count == 1)
        #expect(problems.map(\.line) == [2, 3, 4, 5])
        let (canaries, canaryProblems) = CanaryCatalogue.parse(
            "a blocked https://a.test/\nb maybe https://b.test/\nc blocked ftp://x\n"
        )
        #expect(canaries.map(\.name) == ["a-1"])
        #expect(canaryProblems.map(\.line) == [2, 3])
    }

    @Test func rotationCoversEveryTargetOverSuccessiveRuns() {
        let canaries =
            (1...5).map {
                FilterTestsSection.Canary(name: "g\($0)", category: "g", url: "http://g\($0).test/", expect: .blocked)
            }
            + [FilterTestsSection.Canary(name: "p1", category: "p", url: "http://p.test/", expect: .blocked)]
        var seen: Set<String> = []
        for run in 0..<3 {
            let selected = CanaryCatalogue.select(canaries, perCategory: 2, run: run)
            #expect(selected.filter { $0.category == "g" }.count == 2)
            #expect(selected.filter { $0.category == "p" }.count == 1)
            seen.formUnion(selected.map(\.name))
        }
        #expect(seen.count == 6)
    }

    @Test func theComplianceChainDetectsEditsDeletionsAndReordering() throws {
        var lines: [String] = []
        var previous = ComplianceChain.genesis
        for index in 0..<4 {
            let result = FilterCheckResult(
                name: "c\(index)",
                kind: .canary,
                category: "gambling",
                vantage: "v",
                expect: "blocked",
                status: .pass,
                blockedBy: .dns,
                evidence: ["dns: NXDOMAIN"]
            )
            let fields = ComplianceChain.record(result, runID: "r", time: "2026-01-01T00:00:00Z", site: "s")
            // The collector rebuilds records in this order: the record must use exactly these keys.
            #expect(fields.map(\.0) == ComplianceChain.fieldNames)
            let sealed = ComplianceChain.seal(fields, previous: previous)
            lines.append(sealed.line)
            previous = sealed.hash
        }
        #expect(try ComplianceChain.verify(lines).get() == previous)
        var edited = lines
        edited[1] = edited[1].replacingOccurrences(of: "\"status\":\"pass\"", with: "\"status\":\"fail\"")
        #expect(throws: ComplianceChain.Break.self) { try ComplianceChain.verify(edited).get() }
        if case .failure(let failure) = ComplianceChain.verify(edited) { #expect(failure.line == 2) }
        var deleted = lines
        deleted.remove(at: 2)
        if case .failure(let failure) = ComplianceChain.verify(deleted) { #expect(failure.line == 3) }
        #expect((try? ComplianceChain.verify([lines[1], lines[0]]).get()) == nil)
    }
}
