import CLibFuzzer
#if canImport(Glibc)
import Glibc
#endif
import NetwardenCore

// Any bytes as /etc/netwarden/netwarden.toml: TOML, then the schema (sections, keys, types,
// ranges). Invariants: errors are non-empty on failure, each names the file and a line within
// it, and renders as text (the `check-config` output).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let lines = bytes.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    switch NetwardenConfig.parse(bytes: bytes, fileName: "netwarden.toml") {
    case .success(let config):
        _ = config == NetwardenConfig.embeddedDefault
    case .failure(let errors):
        require(!errors.diagnostics.isEmpty, "failure without a diagnostic")
        for diagnostic in errors.diagnostics {
            require(diagnostic.file == "netwarden.toml")
            if let line = diagnostic.line { require(line >= 1 && line <= lines, "line \(line) of \(lines)") }
        }
        _ = errors.description
    }
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
