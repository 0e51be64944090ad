import CLibFuzzer
#if canImport(Glibc)
import Glibc
#endif
import NetwardenProtocols

// The input is one received netlink datagram. Every message in it is decoded by every schema
// decoder (nl80211 interface and station, nlmsgerr, nlctrl family id), its generic-netlink
// attributes are walked to full depth, and the datagram is fed to a reply collector. Invariants:
// attribute payloads lie inside the datagram; `validateTree` and the plain walk agree on
// whether the top level is well-formed.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let datagram = UnsafeRawBufferPointer(start: data, count: size)
    var messages = NetlinkMessageReader(datagram)
    var count = 0
    while let message = messages.next() {
        count += 1
        inside(message.payload, datagram)
        if let interface = try? NL80211Interface.decode(message) { _ = interface.name }
        if let station = try? NL80211Station.decode(message) { _ = station.mac }
        if let error = try? NetlinkErrorMessage.decode(message) { _ = error.kernelMessage }
        _ = try? GenericNetlinkController.decodeFamilyID(message)
        if let (_, attributes) = try? GenericNetlinkHeader.split(message) {
            var tree = attributes
            let treeOK = (try? tree.validateTree()) != nil
            var flat = attributes
            while let attribute = flat.next() {
                inside(attribute.payload, datagram)
                _ = attribute.string
                _ = attribute.uint64
            }
            if treeOK { require(flat.error == nil, "validateTree passed a bad top level") }
        }
    }
    if messages.error == nil { require(count > 0 || size == 0) }

    // The same bytes as a bare attribute run (a nest's payload).
    if var attributes = try? NetlinkAttributeReader(datagram) {
        _ = try? attributes.validateTree()
    }

    var collector = NetlinkReplyCollector(sequence: 1, expectation: .dump)
    _ = try? collector.feed(datagram) { message throws(NetlinkError) in
        _ = try NL80211Station.decode(message)
    }
    return 0
}

func inside(_ slice: UnsafeRawBufferPointer, _ whole: UnsafeRawBufferPointer) {
    guard !slice.isEmpty, let base = slice.baseAddress, let wholeBase = whole.baseAddress else { return }
    require(base >= wholeBase && base + slice.count <= wholeBase + whole.count, "slice outside datagram")
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
