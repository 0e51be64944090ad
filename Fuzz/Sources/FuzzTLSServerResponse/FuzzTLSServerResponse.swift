import CLibFuzzer
#if canImport(Glibc)
import Glibc
#endif
import NetwardenProtocols

// The server's first bytes on a TLS connection. Invariant: classification only looks at the
// first record, so once a prefix is decided, more bytes never change the answer.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let whole = TLSServerResponse.classify(bytes)
    let stride = max(1, size / 64)
    var length = 0
    while length < size {
        let early = TLSServerResponse.classify(UnsafeRawBufferPointer(rebasing: bytes[0..<length]))
        switch early {
        case .needMore:
            break
        case .serverHello(let version, let suite) where version == nil || suite == nil:
            // A hello cut before its fields may learn them from more bytes.
            if case .serverHello = whole {} else if case .helloRetryRequest = whole {} else {
                fatalError("prefix \(length): \(early), whole: \(whole)")
            }
        case .helloRetryRequest(nil):
            if case .helloRetryRequest = whole {} else {
                fatalError("prefix \(length): \(early), whole: \(whole)")
            }
        default:
            require(early == whole, "prefix \(length): \(early), whole: \(whole)")
        }
        length += stride
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
