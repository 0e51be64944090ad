import Foundation
import Glibc

/// Runs `body` with a fresh directory under /tmp and removes it afterwards, also when `body`
/// throws or an expectation fails.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    var template = Array("/tmp/nw-spool-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
    let path = String(cString: made)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

func withAsyncTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    var template = Array("/tmp/nw-spool-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
    let path = String(cString: made)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// Segment files of a spool directory, oldest first.
func segmentFiles(_ directory: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/segments")) ?? []
    return names.filter { $0.hasSuffix(".seg") }.sorted().map { directory + "/segments/" + $0 }
}

func fileBytes(_ path: String) -> [UInt8] {
    (FileManager.default.contents(atPath: path)).map { [UInt8]($0) } ?? []
}

func writeBytes(_ path: String, _ bytes: [UInt8]) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
}

/// A payload that says which record it is: the counter, then `padding` filler bytes.
func payload(_ counter: Int, padding: Int = 20) -> [UInt8] {
    withUnsafeBytes(of: Int64(counter).littleEndian) { Array($0) }
        + [UInt8](repeating: UInt8(counter & 0xff), count: padding)
}

func counter(of payload: [UInt8]) -> Int {
    payload.withUnsafeBytes { Int(Int64(littleEndian: $0.loadUnaligned(as: Int64.self))) }
}
