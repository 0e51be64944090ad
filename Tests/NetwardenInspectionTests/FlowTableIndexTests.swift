import NetwardenProtocols
import NetwardenTestSupport
import Testing

@testable import NetwardenInspection

/// The flow table's index grows with the flows it holds (see `FlowTable`): every flow stays
/// findable across each doubling and through churn, and the slots in use follow the most flows
/// held, not the capacity.
@Suite struct FlowTableIndexTests {
    static func key(_ number: Int) -> FlowKey {
        FlowKey(
            source: IPAddress(ipv4: 0x0a00_0000 | UInt32(number)),
            sourcePort: UInt16(truncatingIfNeeded: 1024 + number),
            destination: IPAddress(ipv4: 0xc000_0201),
            destinationPort: 443,
            ipProtocol: 6
        )
    }

    @Test func everyFlowStaysFindableAsTheIndexGrowsAndChurns() {
        var table = FlowTable(capacity: 262_144)
        let initial = table.slotsInUse
        #expect(initial == FlowTable.initialSlots)
        var generator = SeededGenerator(seed: 7)
        var live: [Int: Int32] = [:]
        var removed: [Int] = []
        var next = 0
        var peak = 0
        for step in 0..<60_000 {
            // Mostly inserts early on (growth), then an even mix (churn at a steady size).
            let insert = live.isEmpty || Int.random(in: 0..<10, using: &generator) < (step < 30_000 ? 8 : 5)
            if insert {
                let key = Self.key(next)
                let hash = key.hash(seed: 1)
                let before = table.find(key, hash: hash)
                #expect(before == nil)
                let index = table.insert(key, hash: hash, lane: .tcp, time: Int64(step))
                live[next] = index!
                next += 1
                peak = max(peak, live.count)
            } else {
                let number = live.keys.randomElement(using: &generator)!
                table.remove(live.removeValue(forKey: number)!)
                removed.append(number)
            }
            if step % 5000 == 4999 {
                for (number, index) in live {
                    let key = Self.key(number)
                    let found = table.find(key, hash: key.hash(seed: 1))
                    #expect(found == index, "flow \(number) at step \(step)")
                }
                for number in removed.suffix(500) {
                    let key = Self.key(number)
                    let found = table.find(key, hash: key.hash(seed: 1))
                    #expect(found == nil, "removed flow \(number) found")
                }
            }
        }
        let (count, slots) = (table.count, table.slotsInUse)
        #expect(count == live.count)
        // At most half full, and no more than twice the size that half-full needs.
        #expect(slots >= peak * 2)
        #expect(slots <= max(FlowTable.initialSlots, peak * 4))
    }

    @Test func aSmallTableNeverGrowsPastItsCapacity() {
        var table = FlowTable(capacity: 100)
        for number in 0..<100 {
            let key = Self.key(number)
            let index = table.insert(key, hash: key.hash(seed: 3), lane: .udp, time: 0)
            #expect(index != nil)
        }
        let (full, slots) = (table.isFull, table.slotsInUse)
        #expect(full)
        #expect(slots <= FlowTable.initialSlots)
        for number in 0..<100 {
            let key = Self.key(number)
            let found = table.find(key, hash: key.hash(seed: 3))
            #expect(found != nil)
        }
    }
}
