import Glibc

// Built by ./run from copies of the NetwardenCapture sources (module imports stripped, with
// LinkType and PacketTime copied in), so it needs no executable target in Package.swift.
// The Swift edge over the same file: OfflinePacketSource -> dispatch trampoline -> closure that
// touches one byte, as pcap-floor.c does. Measures what the edge costs before the engine.
let path = CommandLine.arguments[1]
let source = try OfflinePacketSource(path: path)
var packets = 0
var bytes = 0
var sum = 0
let start = ContinuousClock.now
try source.run(until: CaptureStopFlag()) { packet in
    packets += 1
    bytes += packet.frame.count
    sum &+= Int(packet.frame[packet.frame.count / 2]) &+ Int(packet.time.nanoseconds & 1)
}
let elapsed = (ContinuousClock.now - start).components
let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
print("\(packets) packets in \(seconds) s: \(Int(Double(packets) / seconds)) packets/s (checksum \(sum))")
