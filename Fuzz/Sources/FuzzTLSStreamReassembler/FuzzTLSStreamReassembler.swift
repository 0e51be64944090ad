import CLibFuzzer
#if canImport(Glibc)
import Glibc
#endif
import NetwardenProtocols

// The input describes one client→server TCP stream as captured:
//   [flags u8][stream start u32] then segments [sequence offset u16][length u16][payload]
// flags bit 0: the SYN was missed (`resetWithoutStreamStart`), bit 1: a 1 KiB reassembler
// instead of the default 16 KiB. Offsets are added to the stream start with wrapping, so
// segments before the start, far beyond it and across 2^32 all occur. Invariant: a terminal
// result is returned again for every later segment.

// libFuzzer runs inputs one at a time on one thread.
nonisolated(unsafe) let big = TLSStreamReassembler()
nonisolated(unsafe) let small = TLSStreamReassembler(capacity: 1024)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    guard size >= 5 else { return 0 }
    let flags = input[0]
    let start = UInt32(input[1]) << 24 | UInt32(input[2]) << 16 | UInt32(input[3]) << 8 | UInt32(input[4])
    // Reused across inputs, as the capture layer reuses them across flows: reset must be complete.
    let reassembler = flags & 2 != 0 ? small : big
    if flags & 1 != 0 { reassembler.resetWithoutStreamStart() } else { reassembler.reset(streamStart: start) }

    var offset = 5
    var terminal: TLSStreamReassembler.Result?
    var segments = 0
    while offset + 4 <= input.count, segments < 64 {
        let relative = UInt32(input[offset]) << 8 | UInt32(input[offset + 1])
        let declared = Int(input[offset + 2]) << 8 | Int(input[offset + 3])
        offset += 4
        let length = min(declared, input.count - offset)
        let payload = UnsafeRawBufferPointer(rebasing: input[offset..<offset + length])
        offset += length
        segments += 1
        // Offsets above 0xff00 stand for small negative ones (retransmissions of earlier bytes).
        let sequence = relative >= 0xff00 ? start &- (0x1_0000 - relative) : start &+ relative
        let result = reassembler.ingest(sequence: sequence, payload: payload)
        if let terminal {
            require(result == terminal, "terminal \(terminal) became \(result)")
        } else if result != .needMore {
            terminal = result
        }
        if case .complete(let hello) = result {
            require(hello.extensionCount <= TLSClientHello.maxExtensions)
            _ = hello.serverName
        }
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
