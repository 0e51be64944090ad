// Times the category matcher on synthetic lists (run by hand, not by CI):
// Benchmarks/categories/run [domains] [lookups] [exact %] [subdomain %] [batch size]
//
// Targets: 5 M domains load in < 5 s, take < 32 bytes a domain, and answer > 5 M lookups/s on
// one core. The lists are synthesised deterministically (same seed, same names) in the shapes
// of UT1: three category files of one domain per line, a few percent of names in two of them,
// a fifth with a `www.`-style subdomain of their own.
//
// The lookup rates swing by half from run to run on a shared virtual machine (other guests'
// memory traffic), so compare builds by running them alternately several times, each with its
// own TMPDIR, and take medians; CPU time per thread is printed next to wall time for the same
// reason. The last measured numbers are in the doc comment on `CategoryMatcher`.
import Glibc
import NetwardenFiltering

/// SplitMix64: deterministic and fast; the names must be the same on every run.
struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

let syllables = [
    "ka", "lo", "mi", "ne", "ro", "sa", "tu", "vi", "zen", "bet", "play", "win", "shop", "tube", "cam", "live",
    "chat", "hot", "club", "star", "net", "web", "zone", "hub", "max", "pro", "top", "best", "free", "fun", "go",
    "my", "the", "x", "on", "line", "deal", "casino", "poker", "game", "girl", "boy", "date", "love", "art", "pic",
]
let tlds = [
    "com", "com", "com", "com", "com", "net", "org", "info", "ru", "de", "co.uk", "fr", "nl", "xyz", "io", "biz",
    "com.br", "pl", "it", "es",
]
let prefixes = ["www", "m", "cdn", "img", "static", "api", "en", "go", "secure", "mail"]

func appendLabel(_ out: inout [UInt8], _ random: inout Random) {
    let parts = 2 + random.below(3)
    for _ in 0..<parts { out += syllables[random.below(syllables.count)].utf8 }
    if random.below(3) == 0 { out += String(random.below(1000)).utf8 }
}

/// Base-36 digits of `value`, to make a listed name unique.
func appendBase36(_ out: inout [UInt8], _ value: Int) {
    var value = value
    repeat {
        let digit = UInt8(value % 36)
        out.append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10)
        value /= 36
    } while value > 0
}

/// A plausible name; `unique` (a listed name's index) is mixed in so five million are distinct.
func appendDomain(_ out: inout [UInt8], _ random: inout Random, unique: Int? = nil) {
    if random.below(5) == 0 {
        out += prefixes[random.below(prefixes.count)].utf8
        out.append(UInt8(ascii: "."))
    }
    appendLabel(&out, &random)
    if let unique { appendBase36(&out, unique &* 0x9E37 % 8_388_617) }
    out.append(UInt8(ascii: "."))
    out += tlds[random.below(tlds.count)].utf8
}

func residentBytes() -> Int {
    guard let file = fopen("/proc/self/statm", "r") else { return 0 }
    defer { fclose(file) }
    var size = 0
    var resident = 0
    _ = withUnsafeMutablePointer(to: &size) { sizePointer in
        withUnsafeMutablePointer(to: &resident) { residentPointer in
            withVaList([sizePointer, residentPointer]) { vfscanf(file, "%ld %ld", $0) }
        }
    }
    return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// `value` with `digits` decimals (no Foundation here for String(format:)).
func fixed(_ digits: Int, _ value: Double) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int((value * scale).rounded())
    let whole = String(scaled / Int(scale))
    if digits == 0 { return whole }
    let fraction = String(abs(scaled) % Int(scale))
    return whole + "." + String(repeating: "0", count: digits - fraction.count) + fraction
}

/// CPU time of this thread: the machine is shared, and wall time also counts the slices other
/// processes were scheduled in, so both are reported.
func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

let arguments = CommandLine.arguments
let domainTarget = arguments.count > 1 ? Int(arguments[1])! : 5_000_000
let lookupTarget = arguments.count > 2 ? Int(arguments[2])! : 20_000_000

// Three files: 60 %, 20 %, 20 % of the names; 3 % of the names also appear in a second file.
var random = Random(state: 42)
var files: [[UInt8]] = [[], [], []]
var listed: [[UInt8]] = []
listed.reserveCapacity(domainTarget / 10)
var textBytes = 0
for index in 0..<domainTarget {
    var name: [UInt8] = []
    appendDomain(&name, &random, unique: index)
    let file = index % 5 < 3 ? 0 : (index % 5 == 3 ? 1 : 2)
    files[file] += name
    files[file].append(UInt8(ascii: "\n"))
    if random.below(33) == 0 {
        files[(file + 1) % 3] += name
        files[(file + 1) % 3].append(UInt8(ascii: "\n"))
    }
    if index % 10 == 0 { listed.append(name) }
    textBytes += name.count + 1
}
let lineCount = files.reduce(0) { $0 + $1.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) } }
print(
    "lists: \(lineCount) lines, \(files.reduce(0) { $0 + $1.count }) bytes; mean name \(fixed(1, Double(textBytes) / Double(domainTarget) - 1)) bytes"
)

let rssBefore = residentBytes()
let clock = ContinuousClock()
let start = clock.now
/// In a function so the builder (and its arena) is gone when it returns, as in the daemon.
func load(_ files: [[UInt8]], lineCount: Int) throws -> CategoryMatcher {
    var builder = try CategoryMatcherBuilder(categories: [
        FilterCategory(name: "adult", policy: .mustBlock),
        FilterCategory(name: "gambling", policy: .mustBlock),
        FilterCategory(name: "games", policy: .monitor),
    ])
    builder.reserveCapacity(listBytes: files.reduce(0) { $0 + $1.count } + lineCount * 2)
    for (index, file) in files.enumerated() {
        let report = builder.addList(contents: file, fileName: "list\(index)", format: .domains, category: index)
        if report.invalid > 0 { print(report.messages) }
    }
    return try builder.build()
}
let matcher = try load(files, lineCount: lineCount)
let loadTime = clock.now - start
let rssAfter = residentBytes()
print(
    "load: \(fixed(2, seconds(loadTime))) s for \(matcher.domainCount) domains (\(matcher.duplicatesMerged) duplicates merged)"
)
print(
    "memory: \(matcher.memoryBytes) bytes = \(fixed(1, Double(matcher.memoryBytes) / Double(matcher.domainCount))) bytes/domain (blocks + index + filter + category sets)"
)
// Measured with the list text (allocated before rssBefore) still held, so the delta is the
// matcher alone once the builder's arena has been freed.
print("rss delta: \(fixed(1, Double(rssAfter - rssBefore) / Double(matcher.domainCount))) bytes/domain after build")

// Query mix: 30 % listed names, 25 % subdomains of listed names 1-4 labels deep, 45 % names
// that are not listed (fresh random names, some with subdomains).
var queries: [UInt8] = []
var bounds: [Int] = [0]
var queryRandom = Random(state: 7)
let distinctQueries = 1 << 20
let exactShare = arguments.count > 3 ? Int(arguments[3])! : 30
let subdomainShare = arguments.count > 4 ? Int(arguments[4])! : 25
for _ in 0..<distinctQueries {
    let roll = queryRandom.below(100)
    if roll < exactShare {
        queries += listed[queryRandom.below(listed.count)]
    } else if roll < exactShare + subdomainShare {
        for _ in 0..<(1 + queryRandom.below(4)) {
            appendLabel(&queries, &queryRandom)
            queries.append(UInt8(ascii: "."))
        }
        queries += listed[queryRandom.below(listed.count)]
    } else {
        var fresh = Random(state: queryRandom.next())
        if queryRandom.below(3) == 0 {
            appendLabel(&queries, &fresh)
            queries.append(UInt8(ascii: "."))
        }
        appendDomain(&queries, &fresh)
    }
    bounds.append(queries.count)
}

/// In a function, not top-level code: globals in main.swift belong to the main actor, and
/// touching them in the loop added executor checks and reference counting to every lookup.
func measureLookups(
    _ matcher: CategoryMatcher,
    _ queries: [UInt8],
    _ bounds: [Int],
    rounds: Int
)
    -> (hits: Int, mustBlock: Int, time: Duration, cpu: Double)
{
    var hits = 0
    var mustBlock = 0
    let clock = ContinuousClock()
    let start = clock.now
    let cpuStart = threadCPUSeconds()
    queries.withUnsafeBytes { all in
        bounds.withUnsafeBufferPointer { bounds in
            for _ in 0..<rounds {
                for index in 0..<(bounds.count - 1) {
                    let name = UnsafeRawBufferPointer(rebasing: all[bounds[index]..<bounds[index + 1]])
                    let match = matcher.match(utf8: name)
                    if !match.isEmpty { hits += 1 }
                    if !match.categories.intersection(matcher.mustBlock).isEmpty { mustBlock += 1 }
                }
            }
        }
    }
    return (hits, mustBlock, clock.now - start, threadCPUSeconds() - cpuStart)
}

/// The same queries through `match(batch:)`, `batchSize` names a call, as the engine hands over
/// the names of one burst of packets.
func measureBatches(
    _ matcher: CategoryMatcher,
    _ queries: [UInt8],
    _ bounds: [Int],
    rounds: Int,
    batchSize: Int
)
    -> (hits: Int, mustBlock: Int, time: Duration, cpu: Double)
{
    var hits = 0
    var mustBlock = 0
    var results = [CategoryMatch](repeating: CategoryMatch(), count: batchSize)
    var elapsed = Duration.zero
    var cpu = 0.0
    queries.withUnsafeBytes { all in
        let names = (0..<(bounds.count - 1)).map {
            UnsafeRawBufferPointer(rebasing: all[bounds[$0]..<bounds[$0 + 1]])
        }
        names.withUnsafeBufferPointer { names in
            results.withUnsafeMutableBufferPointer { results in
                let clock = ContinuousClock()
                let start = clock.now
                let cpuStart = threadCPUSeconds()
                for _ in 0..<rounds {
                    var next = 0
                    while next < names.count {
                        let count = min(batchSize, names.count - next)
                        matcher.match(batch: UnsafeBufferPointer(rebasing: names[next..<(next + count)]), into: results)
                        for match in results[0..<count] {
                            if !match.isEmpty { hits += 1 }
                            if !match.categories.intersection(matcher.mustBlock).isEmpty { mustBlock += 1 }
                        }
                        next += count
                    }
                }
                elapsed = clock.now - start
                cpu = threadCPUSeconds() - cpuStart
            }
        }
    }
    return (hits, mustBlock, elapsed, cpu)
}

func report(_ label: String, _ lookups: Int, _ result: (hits: Int, mustBlock: Int, time: Duration, cpu: Double)) {
    print(
        "\(label): \(fixed(2, Double(lookups) / seconds(result.time) / 1e6)) M/s wall, \(fixed(2, Double(lookups) / result.cpu / 1e6)) M/s cpu (\(lookups) in \(fixed(2, seconds(result.time))) s, \(fixed(1, Double(result.hits) * 100 / Double(lookups))) % hits, \(result.mustBlock) must_block)"
    )
}

let rounds = (lookupTarget + distinctQueries - 1) / distinctQueries
let lookups = rounds * distinctQueries
let single = measureLookups(matcher, queries, bounds, rounds: rounds)
report("lookups", lookups, single)
let batchSize = arguments.count > 5 ? Int(arguments[5])! : 16
let batched = measureBatches(matcher, queries, bounds, rounds: rounds, batchSize: batchSize)
report("batch \(batchSize)", lookups, batched)
if batched.hits != single.hits || batched.mustBlock != single.mustBlock { fatalError("batch answers differ") }
