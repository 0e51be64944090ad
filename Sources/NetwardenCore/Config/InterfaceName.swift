/// Linux network interface names, checked the way the kernel's `dev_valid_name()` does, so a
/// typo is caught by `check-config` rather than by a probe failing at runtime.
public enum InterfaceName {
    /// IFNAMSIZ is 16 bytes including the terminating NUL.
    public static let maximumLength = 15

    /// What is wrong with `name` as an interface name, or nil if it is acceptable.
    public static func problem(with name: String) -> String? {
        let rule =
            "expected an interface name of 1 to \(maximumLength) characters without `/`, `:` or spaces (like eth0 or enp3s0)"
        if name.isEmpty { return "an empty name; \(rule)" }
        if name == "." || name == ".." { return "`\(name)` is not an interface name; \(rule)" }
        if let bad = name.unicodeScalars.first(where: {
            $0 == "/" || $0 == ":" || $0.properties.isWhitespace || $0.value < 0x20
        }) {
            return "`\(name)` contains \(ConfigLabel.describe(bad)); \(rule)"
        }
        if name.utf8.count > maximumLength { return "`\(name)` is \(name.utf8.count) bytes long; \(rule)" }
        return nil
    }

    static let type = ConfigValueType<String>.string.checked(problem(with:))
}
