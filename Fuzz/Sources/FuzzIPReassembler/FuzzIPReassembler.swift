import CLibFuzzer
#if canImport(Glibc)
import Glibc
#endif
import NetwardenProtocols

// The input is a sequence of captured IPv4 or IPv6 packets, each `[u16 length][u8 time step][packet]`,
// decoded with `PacketDecoder` (link type raw: the version nibble picks the family) and fed to one
// reassembler with small limits so eviction, timeout and byte caps are reached quickly, with both
// families sharing its slots. Completed datagrams go through
// `PacketDecoder.decode(reassembled:)`. Invariants: held bytes stay within the limits and return
// to zero once everything has expired.

let limits = IPReassembler.Limits(
    maxDatagrams: 4,
    maxDatagramBytes: 4096,
    maxTotalBytes: 6000,
    timeout: .seconds(30)
)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    var reassembler = IPReassembler(limits: limits)
    var offset = 0
    var now = Duration.zero
    while offset + 3 <= input.count {
        let declared = Int(input[offset]) << 8 | Int(input[offset + 1])
        let step = input[offset + 2]
        offset += 3
        let length = min(declared, input.count - offset)
        let packetBytes = UnsafeRawBufferPointer(rebasing: input[offset..<offset + length])
        offset += length
        // Time mostly moves in small steps; 0xff jumps past the timeout.
        now += step == 0xff ? .seconds(31) : .milliseconds(Int(step) * 10)
        guard let packet = try? PacketDecoder.decode(packetBytes, linkType: .raw) else { continue }
        var completed = 0
        let outcome = reassembler.process(packet, at: now) { datagram in
            completed += 1
            require(datagram.payload.count <= limits.maxDatagramBytes, "datagram over the limit")
            require(datagram.source.family == packet.source.family, "datagram changed family")
            if let decoded = try? PacketDecoder.decode(reassembled: datagram, linkType: .raw) {
                _ = decoded.transport
                require(decoded.payload.count <= datagram.payload.count)
            }
        }
        if packet.fragment == nil {
            require(outcome == nil, "non-fragment was not ignored")
        }
        require((outcome == .completed) == (completed == 1), "outcome and callback disagree")
        require(reassembler.heldBytes >= 0 && reassembler.heldBytes <= limits.maxTotalBytes, "held bytes")
        require(reassembler.activeDatagrams <= limits.maxDatagrams, "too many datagrams")
    }
    reassembler.expire(at: now + .seconds(3600))
    require(reassembler.activeDatagrams == 0 && reassembler.heldBytes == 0, "memory held after expiry")
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
