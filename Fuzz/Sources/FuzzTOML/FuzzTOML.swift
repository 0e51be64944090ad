import CLibFuzzer
#if canImport(Glibc)
import Glibc
#endif
import NetwardenCore

// Any bytes as a config file's TOML. Invariants: the error list is capped, every location is
// 1-based and within the file's lines, and parsing is deterministic.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let document = TOMLParser.parse(bytes)
    let lines = bytes.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    require(document.errors.count <= TOMLParser.maximumErrors + 1, "\(document.errors.count) errors")
    for error in document.errors {
        _ = error.description
    }
    walk(document.root, lines: lines, depth: 0)
    if document.errors.isEmpty {
        // Compared in a canonical form: a `nan` value is never == itself.
        require(canonical(TOMLParser.parse(bytes).root) == canonical(document.root), "parse is not deterministic")
    }
    return 0
}

func walk(_ table: TOMLTable, lines: Int, depth: Int) {
    require(depth <= TOMLParser.maximumDepth + 1, "nesting deeper than the limit")
    for entry in table.entries {
        check(entry.keyLocation, lines: lines)
        walk(entry.value, lines: lines, depth: depth + 1)
    }
}

func walk(_ value: TOMLValue, lines: Int, depth: Int) {
    check(value.location, lines: lines)
    _ = value.typeDescription
    switch value.kind {
    case .table(let table): walk(table, lines: lines, depth: depth)
    case .array(let values): for element in values { walk(element, lines: lines, depth: depth + 1) }
    default: break
    }
}

/// Entries in order, floats by bit pattern.
func canonical(_ table: TOMLTable) -> String {
    table.entries.map { "\($0.key)@\($0.keyLocation)=\(canonical($0.value))" }.joined(separator: ",")
}

func canonical(_ value: TOMLValue) -> String {
    let kind: String
    switch value.kind {
    case .float(let number): kind = "f\(number.bitPattern)"
    case .table(let table): kind = "{\(canonical(table))}"
    case .array(let values): kind = "[\(values.map(canonical).joined(separator: ","))]"
    default: kind = "\(value.kind)"
    }
    return "\(kind)@\(value.location)"
}

func check(_ location: TOMLLocation, lines: Int) {
    require(location.line >= 1 && location.line <= lines && location.column >= 1, "location \(location) of \(lines) lines")
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
