import CLibFuzzer
#if canImport(Glibc)
import Glibc
#endif
import NetwardenProtocols

// The input is parsed as a bare handshake message (QUIC CRYPTO data) and as a record-layer
// stream, once with a separate scratch buffer and once de-framed in place over a copy of the
// records (what `TLSStreamReassembler` does). Invariants: both `parse(records:scratch:)` calls
// agree; a hello in a single record gives the same answer as `parse(handshake:)` on its body.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    if case .clientHello(let hello) = TLSClientHello.parse(handshake: bytes) { check(hello) }

    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 1)
    defer { scratch.deallocate() }
    let separate = TLSClientHello.parse(records: bytes, scratch: scratch)
    if case .clientHello(let hello) = separate { check(hello) }

    let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 1)
    defer { copy.deallocate() }
    if size > 0 { copy.copyMemory(from: bytes) }
    let inPlace = TLSClientHello.parse(records: UnsafeRawBufferPointer(copy), scratch: copy)
    require(separate == inPlace, "separate scratch \(separate) but in place \(inPlace)")

    // One record holding the whole message: the record path must agree with the bare path.
    if size >= 9, bytes[0] == 22, bytes[1] == 3, bytes[2] <= 4, Int(bytes[3]) << 8 | Int(bytes[4]) == size - 5,
        Int(bytes[6]) << 16 | Int(bytes[7]) << 8 | Int(bytes[8]) + 4 == size - 5
    {
        let bare = TLSClientHello.parse(handshake: UnsafeRawBufferPointer(rebasing: bytes[5...]))
        if case .clientHello = bare {
            require(bare == separate, "bare \(bare) but records \(separate)")
        }
    }
    return 0
}

func check(_ hello: TLSClientHello) {
    require(hello.alpn.count <= TLSClientHello.maxALPNEntries, "too many ALPN entries kept")
    require(hello.extensionCount <= TLSClientHello.maxExtensions, "too many extensions accepted")
    if let name = hello.serverName {
        require(!name.isEmpty && name == name.lowercased() && !name.hasSuffix("."), "SNI not normalised: \(name)")
        require(!hello.serverNameRejected)
    }
    _ = hello.highestVersion
    _ = hello.outerSNI
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
