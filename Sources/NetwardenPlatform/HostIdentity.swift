import Glibc

/// The machine's hostname, used as the gateway name when the config leaves it empty.
public enum HostIdentity {
    /// Short hostname (up to the first dot), reduced to characters valid in a label value.
    public static func hostname() -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let status = buffer.withUnsafeMutableBytes {
            gethostname($0.baseAddress!.assumingMemoryBound(to: CChar.self), 255)
        }
        guard status == 0 else { return "unknown-gateway" }
        let full = String(decoding: buffer.prefix(while: { $0 != 0 }), as: UTF8.self)
        let short = full.split(separator: ".").first.map(String.init) ?? full
        let cleaned = String(short.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
        return cleaned.isEmpty ? "unknown-gateway" : String(cleaned.prefix(63))
    }
}
