import NetwardenTestSupport
import Testing

// @testable: the hash is internal; a lookup finds a listed parent only if the hash of a suffix
// met while walking a longer name equals the hash the builder stored for that parent.
@testable import NetwardenFiltering

/// The label-at-a-time name hash: suffix hashes met on the walk equal whole-name hashes, case
/// does not matter, and label boundaries do.
@Suite struct NameHashTests {
    static func hash(_ name: String) -> UInt64 {
        Array(name.utf8).withUnsafeBytes { NameHash.of($0) }
    }

    /// The (finalised) hash and start of every suffix the walk meets, rightmost label first.
    static func suffixes(_ name: String) -> [(UInt64, Int)] {
        var found: [(UInt64, Int)] = []
        Array(name.utf8).withUnsafeBytes { bytes in
            NameHash.forEachSuffix(bytes, end: bytes.count) { found.append((NameHash.finalized($0), $1)) }
        }
        return found
    }

    @Test func suffixHashesEqualTheHashesOfTheSuffixesAlone() {
        var random = CategoryMatcherBatchTests.Random(seed: 5)
        let labels = ["a", "bc", "def", "sevenab", "eightabc", "ninebytes", "sixteen-bytes-ab", "x_1", "-"]
        for _ in 0..<2_000 {
            let name = (0..<(1 + random.below(5))).map { _ in labels[random.below(labels.count)] }
                .joined(separator: ".")
            let walked = Self.suffixes(name)
            let bytes = Array(name.utf8)
            let starts = [0] + bytes.indices.filter { bytes[$0] == UInt8(ascii: ".") }.map { $0 + 1 }
            #expect(walked.map(\.1) == starts.reversed(), "\(name)")
            for (hash, start) in walked {
                // A buffer of exactly the suffix: short ones take the byte-by-byte path.
                let suffix = String(decoding: bytes[start...], as: UTF8.self)
                #expect(hash == Self.hash(suffix), "\(suffix) in \(name)")
            }
            #expect(walked.last?.0 == Self.hash(name.uppercased()), "\(name)")
        }
    }

    @Test func labelBoundariesAndEmptyLabelsChangeTheHash() {
        let groups = [
            ["ab.cd", "abcd", "a.bcd", "abc.d", "ab..cd", ".ab.cd", "ab.cd."],
            ["abcdefgh.ijklmnop.com", "abcdefghijklmnop.com", "abcdefgh.ijklmnopcom", "abcdefghijklmnopcom"],
            ["a.b.c", "a.bc", "ab.c", "abc", "a..bc"],
        ]
        for group in groups {
            #expect(Set(group.map(Self.hash)).count == group.count, "\(group)")
        }
    }

    @Test func emptyNameMeetsNoSuffix() {
        #expect(Self.suffixes("").isEmpty)
        #expect(Self.suffixes(".").count == 2)
    }
}
