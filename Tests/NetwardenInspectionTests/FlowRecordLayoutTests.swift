import Testing

@testable import NetwardenInspection

/// The flow record's layout is a performance contract (see `FlowRecord`): a packet on a
/// finished flow must touch one cache line of its record. Swift lays stored properties out in
/// declaration order, so a field added or moved above these shows up here.
@Suite struct FlowRecordLayoutTests {
    @Test func perPacketFieldsShareTheFirstCacheLine() throws {
        let perPacket: [(String, PartialKeyPath<FlowRecord>, Int)] = [
            ("key", \FlowRecord.key, MemoryLayout<FlowKey>.size),
            ("lane", \FlowRecord.lane, 1),
            ("phase", \FlowRecord.phase, 1),
            ("isTCP", \FlowRecord.isTCP, 1),
            ("inUse", \FlowRecord.inUse, 1),
            ("lastSeen", \FlowRecord.lastSeen, 8),
            ("listedSecond", \FlowRecord.listedSecond, 4),
            ("clientIsA", \FlowRecord.clientIsA, 1),
            ("clientFIN", \FlowRecord.clientFIN, 1),
            ("serverFIN", \FlowRecord.serverFIN, 1),
        ]
        for (name, path, size) in perPacket {
            let offset = try #require(MemoryLayout<FlowRecord>.offset(of: path), "\(name) is stored")
            #expect(offset + size <= 64, "\(name) ends at \(offset + size), past the first cache line")
        }
    }

    @Test func aRecordFitsItsTwoCacheLineSlot() {
        #expect(MemoryLayout<FlowRecord>.size <= FlowTable.recordStride)
        #expect(FlowTable.recordStride % 64 == 0)
    }
}
