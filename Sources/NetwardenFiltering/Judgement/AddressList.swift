import NetwardenProtocols

/// A set of addresses read from list files (shipped DoH resolvers, Tor relays) and config.
///
/// One address per line; `#` starts a comment. Bad lines are counted and the first few kept
/// with line numbers, like category lists: one typo must not drop the rest of the file.
public struct AddressList: Sendable {
    public private(set) var addresses: Set<IPAddress> = []
    /// `FILE:LINE: `text`: problem` for the first refused lines of each file.
    public private(set) var problems: [String] = []
    public private(set) var invalid = 0

    public init(_ addresses: some Sequence<IPAddress> = []) {
        self.addresses = Set(addresses)
    }

    public func contains(_ address: IPAddress) -> Bool { addresses.contains(address) }

    /// Adds every address in a list file's contents.
    public mutating func add(contents: [UInt8], fileName: String) {
        var lineNumber = 0
        var keptForFile = 0
        for rawLine in contents.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = rawLine
            if let hash = line.firstIndex(of: UInt8(ascii: "#")) { line = line[..<hash] }
            let text = String(decoding: line, as: UTF8.self).trimmingSpaces
            if text.isEmpty { continue }
            if let address = IPAddress(text: text) {
                addresses.insert(address)
            } else {
                invalid += 1
                if keptForFile < ListFileReport.keptProblems {
                    keptForFile += 1
                    problems.append("\(fileName):\(lineNumber): `\(text.prefix(80))`: not an IPv4 or IPv6 address")
                }
            }
        }
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and carriage returns (no Foundation here).
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
