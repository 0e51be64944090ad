import CLibFuzzer
#if canImport(Glibc)
import Glibc
#endif
import NetwardenProtocols

// `HTTPRequestHead.parse` is called on growing prefixes of the input, as the passive engine
// does while a client's bytes arrive. Invariants: slices point into the input; a decision
// (found / notHTTP) on a prefix is the same decision on the whole input, since callers stop
// buffering once one is made. Small limits are tried too, so the caps are reached.

let smallLimits = HTTPRequestHead.Limits(maxHeadBytes: 96, maxLineLength: 48, maxHeaderCount: 3)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    for limits in [HTTPRequestHead.Limits(), smallLimits] {
        let whole = summary(HTTPRequestHead.parse(bytes, limits: limits), bytes)
        // Every prefix for short inputs, a handful for long ones (keeps exec/s up).
        let stride = max(1, size / 64)
        var length = 0
        while length < size {
            let prefix = UnsafeRawBufferPointer(rebasing: bytes[0..<length])
            let early = summary(HTTPRequestHead.parse(prefix, limits: limits), bytes)
            switch early {
            case .undecided, .rejected("head_too_large"):
                break
            default:
                require(early == whole, "prefix of \(length) decided \(early), whole input \(whole)")
            }
            length += stride
        }
    }
    return 0
}

enum Summary: Equatable {
    case undecided
    case rejected(String)
    case found(method: [UInt8], target: [UInt8], host: String?, port: UInt16?, complete: Bool)
}

func summary(_ result: HTTPRequestHead.ParseResult, _ input: UnsafeRawBufferPointer) -> Summary {
    switch result {
    case .needMoreData:
        return .undecided
    case .notHTTP(let rejection):
        return .rejected(rejection.name)
    case .found(let head):
        inside(head.method, input)
        inside(head.target, input)
        require(!head.method.isEmpty && !head.target.isEmpty)
        _ = head.targetHost?.description
        _ = head.targetPort
        _ = head.isConnect
        _ = head.hostIsInvalid
        return .found(
            method: Array(head.method),
            target: Array(head.target),
            host: head.host?.description,
            port: head.hostPort,
            complete: head.isComplete
        )
    }
}

func inside(_ slice: UnsafeRawBufferPointer, _ whole: UnsafeRawBufferPointer) {
    guard !slice.isEmpty, let base = slice.baseAddress, let wholeBase = whole.baseAddress else { return }
    require(base >= wholeBase && base + slice.count <= wholeBase + whole.count, "slice outside input")
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
