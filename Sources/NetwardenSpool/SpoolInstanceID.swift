/// The spool's persistent random 64-bit instance id, in `<dir>/instance-id` as 16 hex digits.
///
/// Created once, on the first open, and kept for the spool's lifetime; record ids are this plus
/// the sequence, so they stay unique when a spool directory is wiped and sequences restart.
enum SpoolInstanceID {
    static let fileName = "instance-id"

    static func encode(_ id: UInt64) -> [UInt8] {
        let hex = String(id, radix: 16)
        return Array((String(repeating: "0", count: 16 - hex.count) + hex + "\n").utf8)
    }

    static func decode(_ bytes: [UInt8]) -> UInt64? {
        guard bytes.count == 17, bytes.last == UInt8(ascii: "\n") else { return nil }
        return UInt64(String(decoding: bytes.dropLast(), as: UTF8.self), radix: 16)
    }

    /// The id stored in `directory`, creating it when missing or unreadable. A damaged file is
    /// replaced: new ids for the records already spooled can cause duplicates downstream, but
    /// refusing to start over a corrupt 17-byte file would be worse.
    static func loadOrCreate(directory: String) throws(SpoolError) -> UInt64 {
        let path = directory + "/" + fileName
        if let bytes = SpoolFileSystem.readFile(path, limit: 64), let id = decode(bytes) { return id }
        var generator = SystemRandomNumberGenerator()
        let id = generator.next() as UInt64
        let failure = SpoolFileSystem.writeAtomically(path, encode(id), directory: directory)
        guard failure == 0 else {
            throw SpoolError(
                code: .cannotCreateFile,
                path: path,
                message: "cannot create spool instance id \(path): \(SpoolFileSystem.errorText(failure))",
                errno: failure
            )
        }
        return id
    }
}
