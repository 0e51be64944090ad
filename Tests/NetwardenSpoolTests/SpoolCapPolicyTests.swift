import Testing

@testable import NetwardenSpool

@Suite(.timeLimit(.minutes(1))) struct SpoolCapPolicyTests {
    static func segment(_ first: UInt64, _ last: UInt64?, bytes: Int64 = 100, newest: Int64? = 0) -> SegmentSummary {
        SegmentSummary(firstSequence: first, lastSequence: last, bytes: bytes, newestTimestampMilliseconds: newest)
    }

    @Test func byteCapDropsOldestUntilUnderAndNeverTheActiveSegment() {
        let segments = [Self.segment(1, 10), Self.segment(11, 20), Self.segment(21, 30), Self.segment(31, 35)]
        #expect(SpoolCapPolicy.drops(segments, maxBytes: 400, maxAgeMilliseconds: nil, nowMilliseconds: 0) == [])
        #expect(
            SpoolCapPolicy.drops(segments, maxBytes: 250, maxAgeMilliseconds: nil, nowMilliseconds: 0) == [
                .bytes, .bytes,
            ]
        )
        #expect(SpoolCapPolicy.drops(segments, maxBytes: 0, maxAgeMilliseconds: nil, nowMilliseconds: 0).count == 3)
    }

    @Test func ageCapDropsSegmentsWhoseNewestRecordIsTooOld() {
        let segments = [
            Self.segment(1, 10, newest: 1000), Self.segment(11, 20, newest: 5000), Self.segment(21, 30, newest: 9000),
        ]
        #expect(
            SpoolCapPolicy.drops(segments, maxBytes: 1 << 30, maxAgeMilliseconds: 4000, nowMilliseconds: 9500) == [
                .age, .age,
            ]
        )
        #expect(
            SpoolCapPolicy.drops(segments, maxBytes: 1 << 30, maxAgeMilliseconds: 4000, nowMilliseconds: 8000) == [.age]
        )
        #expect(
            SpoolCapPolicy.drops(segments, maxBytes: 150, maxAgeMilliseconds: 4000, nowMilliseconds: 8000) == [
                .age, .bytes,
            ]
        )
        #expect(!SpoolCapPolicy.activeSegmentExpired(segments[2], maxAgeMilliseconds: 4000, nowMilliseconds: 13_000))
        #expect(SpoolCapPolicy.activeSegmentExpired(segments[2], maxAgeMilliseconds: 4000, nowMilliseconds: 13_001))
        #expect(
            !SpoolCapPolicy.activeSegmentExpired(
                Self.segment(1, nil, newest: nil),
                maxAgeMilliseconds: 0,
                nowMilliseconds: 1
            )
        )
    }

    @Test func acknowledgedPrefixStopsAtTheFirstUnacknowledgedRecord() {
        let segments = [
            Self.segment(1, 10), Self.segment(11, nil, newest: nil), Self.segment(12, 20), Self.segment(21, 30),
        ]
        #expect(SpoolCapPolicy.acknowledgedPrefix(segments, acknowledged: 0) == 0)
        #expect(SpoolCapPolicy.acknowledgedPrefix(segments, acknowledged: 9) == 0)
        #expect(SpoolCapPolicy.acknowledgedPrefix(segments, acknowledged: 10) == 2)
        #expect(SpoolCapPolicy.acknowledgedPrefix(segments, acknowledged: 20) == 3)
        #expect(SpoolCapPolicy.acknowledgedPrefix(segments, acknowledged: 30) == 3)
    }
}
