import CLibFuzzer
#if canImport(Glibc)
import Glibc
#endif
import NetwardenCompression

// Any bytes as a snappy block and as gzip data, each with a 1 MiB limit. Invariants: output never
// exceeds the limit; what decompresses compresses and decompresses back to the same bytes; a
// limit one byte short of the output is refused with `.tooLarge`.

let limit = 1 << 20

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    if let output = try? Snappy.uncompress(input, maxBytes: limit) {
        require(output.count <= limit, "snappy gave \(output.count) bytes")
        require((try? Snappy.uncompress(Snappy.compress(output))) == output, "snappy round trip")
        if !output.isEmpty {
            require(tooLarge { () throws(CompressionError) in try Snappy.uncompress(input, maxBytes: output.count - 1) }, "snappy limit")
        }
    }
    if let output = try? Gzip.decompress(input, maxBytes: limit) {
        require(output.count <= limit, "gzip gave \(output.count) bytes")
        require((try? Gzip.decompress(Gzip.compress(output, level: 1), maxBytes: limit)) == output, "gzip round trip")
        if !output.isEmpty {
            require(tooLarge { () throws(CompressionError) in try Gzip.decompress(input, maxBytes: output.count - 1) }, "gzip limit")
        }
    }
    return 0
}

func tooLarge(_ body: () throws(CompressionError) -> [UInt8]) -> Bool {
    do {
        _ = try body()
        return false
    } catch {
        return error.code == .tooLarge
    }
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
