import CLibFuzzer
#if canImport(Glibc)
import Glibc
#endif
import NetwardenProtocols

// The input is a sequence of client→server UDP payloads, `[u16 length][datagram]`, fed to one
// `QUICInitialReassembler` (reused across inputs, as the capture layer reuses them, so `reset()`
// must forget everything). Each datagram also goes through `QUICLongHeader.parse`, and the whole
// input through `QUICCryptoFrames.scan` as if it were a decrypted payload: AEAD stops the fuzzer
// from forging Initials, so that scan is how the frame parser behind the decryption gets fuzzed.
// Invariants: header ranges lie inside the packet; CRYPTO data lies inside the payload; a
// terminal result stays.

// libFuzzer runs inputs one at a time on one thread.
nonisolated(unsafe) let reassembler = QUICInitialReassembler()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)

    _ = QUICCryptoFrames.scan(input) { offset, crypto in
        inside(crypto, input)
        _ = offset
    }

    reassembler.reset()
    var offset = 0
    var terminal: QUICInitialReassembler.Result?
    var datagrams = 0
    while offset + 2 <= input.count, datagrams < 16 {
        let declared = Int(input[offset]) << 8 | Int(input[offset + 1])
        offset += 2
        let length = min(declared, input.count - offset)
        let datagram = UnsafeRawBufferPointer(rebasing: input[offset..<offset + length])
        offset += length
        datagrams += 1
        checkHeaders(datagram)
        let result = reassembler.ingest(datagram: datagram)
        if let terminal {
            require(result == terminal, "terminal \(terminal) became \(result)")
        } else {
            switch result {
            case .complete, .tooLarge, .malformed: terminal = result
            default: break
            }
        }
    }
    return 0
}

/// Walks the coalesced long-header packets of a datagram the way the reassembler does.
func checkHeaders(_ datagram: UnsafeRawBufferPointer) {
    var rest = datagram
    while let header = QUICLongHeader.parse(rest) {
        // The documented contract: Length must fit in the bytes given (callers slice with it).
        require(header.packetLength <= rest.count, "packet length \(header.packetLength) past \(rest.count) bytes")
        require(header.dcidRange.upperBound <= header.packetNumberOffset, "DCID past header")
        require(header.scidRange.upperBound <= header.packetNumberOffset, "SCID past header")
        require(header.tokenRange.upperBound <= header.packetNumberOffset, "token past header")
        require(header.dcidRange.count <= 20 && header.scidRange.count <= 20, "connection ID over 20 bytes")
        require(header.packetNumberOffset <= rest.count, "header longer than the bytes")
        guard header.packetLength > header.packetNumberOffset, header.packetLength <= rest.count else { return }
        rest = UnsafeRawBufferPointer(rebasing: rest[header.packetLength...])
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
