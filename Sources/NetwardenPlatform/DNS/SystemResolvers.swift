import FoundationEssentials

/// The resolvers this machine uses, from /etc/resolv.conf (for `probe dns` without --resolver).
public enum SystemResolvers {
    public static func all(path: String = "/etc/resolv.conf") -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, fields[0] == "nameserver" else { return nil }
            // Drop a zone index (fe80::1%eth0): numeric parsing here does not take it.
            return String(fields[1].split(separator: "%").first ?? fields[1])
        }
    }

    public static func first(path: String = "/etc/resolv.conf") -> String? { all(path: path).first }
}
