import CLibFuzzer
#if canImport(Glibc)
import Glibc
#endif
import NetwardenRemoteWrite

// Any bytes as an (uncompressed) remote write request. Invariants: a decoded request whose series
// the encoder accepts as they are (sorted, unique, valid, non-empty labels; timestamps rising)
// encodes to bytes that decode to the same request; an error's offset lies inside the input.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let request: RemoteWriteRequest
    do {
        request = try RemoteWriteDecoder.decode(bytes)
    } catch {
        require(error.offset.map { $0 >= 0 && $0 <= size } ?? false, "error offset \(String(describing: error.offset)) of \(size)")
        _ = error.description
        return 0
    }
    var encoder = RemoteWriteEncoder()
    var kept = RemoteWriteRequest()
    for series in request.series {
        // Series the encoder would change (sort, drop empty values) or reject are left out.
        guard (try? RemoteWriteLabels(series.labels))?.labels.elementsEqual(series.labels, by: ==) == true else { continue }
        guard (try? encoder.append(series)) != nil else { continue }
        kept.series.append(series)
    }
    for metadata in request.metadata {
        encoder.append(metadata)
        kept.metadata.append(metadata)
    }
    let again = try? RemoteWriteDecoder.decode(encoder.finish())
    // Series and metadata were appended in two groups, so compare each group.
    require(again?.series == kept.series, "series do not survive encode and decode")
    require(again?.metadata == kept.metadata, "metadata does not survive encode and decode")
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
