/// The names an administrator gives agents and users: short, printable, safe in a URL path, a
/// log line and a shell, so `agent revoke NAME` never needs quoting.
public enum EntityName {
    public static func validate(_ name: String, kind: String) throws(CollectorError) {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "@")
        }
        guard !name.isEmpty, name.utf8.count <= 64, allowed else {
            throw CollectorError(
                .invalidName,
                "invalid \(kind) name '\(name)': expected 1 to 64 letters, digits, '.', '-', '_' or '@'"
            )
        }
    }
}
