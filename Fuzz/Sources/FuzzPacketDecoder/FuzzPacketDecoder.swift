import CLibFuzzer
#if canImport(Glibc)
import Glibc
#endif
import NetwardenProtocols

// Every frame is decoded as every link type the decoder knows (plus one it does not), because a
// capture's link type comes from a pcap header that is itself untrusted in `netwarden analyze`.
// Invariants beyond "no crash": the payload slices point into the frame.
let linkTypes: [LinkType] = [
    .ethernet, .raw, .linktypeRaw, .linuxSLL, .ipv4, .ipv6, .linuxSLL2, LinkType(rawValue: 0xffff),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let frame = UnsafeRawBufferPointer(start: data, count: size)
    for linkType in linkTypes {
        guard let packet = try? PacketDecoder.decode(frame, linkType: linkType) else { continue }
        check(packet.ipPayload, inside: frame)
        check(packet.payload, inside: frame)
        require(packet.payload.count <= packet.ipPayload.count || packet.ipPayload.isEmpty)
        _ = packet.source.description
        _ = packet.destination.description
    }
    return 0
}

func check(_ slice: UnsafeRawBufferPointer, inside frame: UnsafeRawBufferPointer) {
    guard let base = slice.baseAddress, !slice.isEmpty else { return }
    let frameStart = UInt(bitPattern: frame.baseAddress)
    let start = UInt(bitPattern: base)
    require(start >= frameStart && start + UInt(slice.count) <= frameStart + UInt(frame.count), "slice outside frame")
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
