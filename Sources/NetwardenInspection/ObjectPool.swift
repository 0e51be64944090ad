/// A bounded free list of reusable per-flow objects (reassemblers, buffers).
///
/// Objects are made on demand, only when the free list is empty and fewer than `limit` are out,
/// so memory grows with the number of flows *being inspected at once* and then stays: a flow
/// that finishes or is evicted hands its object back for the next one. `limit` is the memory cap
/// (a SYN flood cannot make the engine allocate 16 KiB per flow): at the limit `acquire` returns
/// `nil` and the caller counts the flow as not inspected.
struct ObjectPool<Object: AnyObject> {
    /// Most objects in use at once.
    let limit: Int
    private let make: () -> Object
    private var free: [Object] = []
    /// Objects currently handed out.
    private(set) var inUse = 0
    /// Objects ever made (each one allocation).
    private(set) var made = 0

    init(limit: Int, make: @escaping () -> Object) {
        self.limit = max(0, limit)
        self.make = make
        // Reserved up front so returning objects never grows the array.
        free.reserveCapacity(min(self.limit, 1 << 16))
    }

    /// A clean object, or `nil` at the limit. The caller resets it for its flow.
    mutating func acquire() -> Object? {
        if let object = free.popLast() {
            inUse += 1
            return object
        }
        guard inUse < limit else { return nil }
        inUse += 1
        made += 1
        return make()
    }

    /// Returns an object; the caller has already reset it (or will on the next acquire).
    mutating func release(_ object: Object) {
        inUse -= 1
        free.append(object)
    }
}
