import CLibFuzzer
#if canImport(Glibc)
import Glibc
#endif
import NetwardenCore

// Any bytes as /proc/net/wireless and as /proc/net/route (both read as text by NetwardenPlatform;
// a driver bug or a truncated read is the realistic bad input). Invariants: every non-header line
// is either an entry or counted as malformed; routes come out sorted by metric.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)

    let wireless = ProcNetWireless.parse(text)
    let lines = text.split(whereSeparator: \.isNewline).count
    require(wireless.entries.count + wireless.malformedLines <= lines, "more results than lines")
    for entry in wireless.entries {
        require(!entry.interface.isEmpty, "entry without an interface")
        require(entry.linkQuality.isFinite, "link quality \(entry.linkQuality)")
    }

    let routes = DefaultRoute.parseProcNetRoute(text)
    require(zip(routes, routes.dropFirst()).allSatisfy { $0.metric <= $1.metric }, "routes not sorted")
    return 0
}

/// libFuzzer's driver; see Fuzz/Package.swift for why the harness owns `main`.
@main enum Harness {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        // libFuzzer never passes a null pointer, not even for the empty input.
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzz(data!, size) })
    }
}

/// `precondition` that keeps its message in release builds, so a finding says what broke.
func require(_ condition: Bool, _ message: @autoclosure () -> String = "invariant violated",
             file: StaticString = #fileID, line: UInt = #line) {
    if !condition { fatalError(message(), file: file, line: line) }
}
