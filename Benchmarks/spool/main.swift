// Hand-run spool benchmark: append rate of 200-byte records with the batched fsync the daemon
// uses (sync() once a second of wall time, here every 10,000 records), then read rate of one
// consumer reading everything back in 1 MiB batches. Built and run by Benchmarks/spool/run.
//
// Usage: spool-bench DIRECTORY [RECORDS] [BATCH]
// Compiled in one module with Sources/NetwardenSpool (see run), so no `import NetwardenSpool`.
import Glibc

let arguments = CommandLine.arguments
let directory = arguments.count > 1 ? arguments[1] : "/tmp/netwarden-spool-bench"
let total = arguments.count > 2 ? Int(arguments[2]) ?? 1_000_000 : 1_000_000
let batch = arguments.count > 3 ? Int(arguments[3]) ?? 1 : 1
let recordBytes = 200

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

let spool = try Spool.open(
    SpoolConfiguration(directory: directory, maxBytes: 16 << 30, maxFileSystemFraction: 0),
    nowMilliseconds: 0
)
let payloads = [[UInt8]](repeating: [UInt8](repeating: 0x5a, count: recordBytes), count: batch)
let clock = ContinuousClock()
let appendStart = clock.now
var appended = 0
while appended < total {
    let result = spool.append(payloads, timestampMilliseconds: Int64(appended))
    precondition(result.droppedCount == 0, "dropped: \(result.dropped)")
    appended += batch
    if appended % 10_000 < batch { spool.sync() }
}
spool.sync()
let appendSeconds = seconds(clock.now - appendStart)

let readStart = clock.now
var read = 0
var last: UInt64 = 0
while true {
    let records = spool.read(consumer: "bench", after: last, maxRecords: 10_000, maxBytes: 1 << 20)
    guard let newest = records.last else { break }
    read += records.count
    last = newest.sequence
}
let readSeconds = seconds(clock.now - readStart)
precondition(read == appended, "read \(read) of \(appended); last \(last)")
let megabytes = Double(appended * recordBytes) / 1e6
print(
    "append batch=\(batch): \(Int(Double(appended) / appendSeconds)) records/s, "
        + "\(String(Int(megabytes / appendSeconds))) MB/s payload; "
        + "read: \(Int(Double(read) / readSeconds)) records/s, \(Int(megabytes / readSeconds)) MB/s payload"
)
spool.close()
