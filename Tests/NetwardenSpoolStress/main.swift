// Child process for the spool's kill -9 test: appends records carrying an increasing counter as
// fast as it can until it is killed, and reports on stdout, after `append` has returned, the
// counters it has stored, so the parent knows a lower bound of what must survive.
//
// Usage: netwarden-spool-stress DIRECTORY FIRST-COUNTER
import Glibc
import NetwardenSpool

func fail(_ message: String) -> Never {
    let bytes = Array((message + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(1)
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let first = UInt64(arguments[2]) else {
    fail("usage: netwarden-spool-stress DIRECTORY FIRST-COUNTER")
}
let configuration = SpoolConfiguration(directory: arguments[1], segmentBytes: 64 << 10)
let spool: Spool
do {
    spool = try Spool.open(configuration, nowMilliseconds: 1_700_000_000_000)
} catch {
    fail("open failed: \(error)")
}

var counter = first
var generator = SystemRandomNumberGenerator()
while true {
    // Batches of 1 to 8 records with payloads of 8 to 300 bytes: the counter, then filler.
    let batch = Int.random(in: 1...8, using: &generator)
    var payloads: [[UInt8]] = []
    for index in 0..<batch {
        var payload = withUnsafeBytes(of: (counter + UInt64(index)).littleEndian) { Array($0) }
        payload += [UInt8](
            repeating: UInt8(truncatingIfNeeded: counter),
            count: Int.random(in: 0...292, using: &generator)
        )
        payloads.append(payload)
    }
    let result = spool.append(payloads, timestampMilliseconds: 1_700_000_000_000 + Int64(counter))
    guard result.appendedCount == batch else {
        fail("append dropped records: \(result.dropped)")
    }
    counter += UInt64(batch)
    let line = Array("\(counter - 1)\n".utf8)
    _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
    if counter % 512 < 8 { spool.sync() }
}
