/// An nftables table that a test added inside one lab namespace; removed on lab teardown if the
/// test does not remove it first.
///
/// The kernel has no netem here, so packet loss is injected with `numgen random mod 100 < P
/// drop`; each rule counts what it drops so tests can compare a probe's measured loss with the
/// real one.
public struct NFTable: Sendable, Hashable {
    public var host: String
    public var namespace: String
    /// "inet", "ip", "ip6", "netdev", ...
    public var family: String
    public var name: String
}

/// Where a loss rule sits: on packets the host forwards (a router dropping traffic), receives or
/// sends.
public enum LabPacketPath: String, Sendable {
    case forward
    case input
    case output
}

extension Lab {
    /// Adds `table <family> <name> { body }` inside `host` (`nft -f -`, atomically).
    ///
    /// ```swift
    /// try await lab.addNFTable(in: "gateway", name: "block_dns", body: """
    ///     chain fwd { type filter hook forward priority 0; udp dport 53 counter drop; }
    ///     """)
    /// ```
    @discardableResult
    public func addNFTable(
        in host: String,
        family: String = "inet",
        name: String,
        body: String
    ) async throws
        -> NFTable
    {
        let table = NFTable(host: host, namespace: try namespace(host), family: family, name: name)
        let script = "table \(family) \(name) {\n\(body)\n}\n"
        try await run(in: host, ["nft", "-f", "-"], standardInput: Array(script.utf8), timeout: .seconds(15))
        track(table)
        return table
    }

    /// Drops `percent` % of the packets on `path` in `host` that match `match` (an nft
    /// expression such as `ip protocol icmp` or `udp dport 53`; empty for all), at random.
    @discardableResult
    public func injectLoss(
        in host: String,
        percent: Int,
        on path: LabPacketPath = .forward,
        matching match: String = "",
        name: String = "nwl_loss"
    ) async throws -> NFTable {
        precondition((0...100).contains(percent), "percent is 0...100")
        // `mod 100` yields 0...99, so 100 % cannot be written as a comparison.
        let verdict = percent == 100 ? "counter drop" : "numgen random mod 100 < \(percent) counter drop"
        return try await addNFTable(
            in: host,
            name: name,
            body: """
                chain loss {
                    type filter hook \(path.rawValue) priority -10; policy accept;
                    \(match) \(verdict)
                }
                """
        )
    }

    /// The packet counts of the table's `counter` statements, in rule order.
    public func packetCounters(_ table: NFTable) async throws -> [Int] {
        let listing = try await run(
            in: table.host,
            ["nft", "list", "table", table.family, table.name],
            timeout: .seconds(15)
        )
        // "... counter packets 12 bytes 1008 drop"
        let words = listing.standardOutputText.split(whereSeparator: \.isWhitespace)
        return zip(words, words.dropFirst(2)).enumerated().compactMap { index, pair in
            pair.0 == "counter" && words[index + 1] == "packets" ? Int(pair.1) : nil
        }
    }

    /// Deletes the table now (teardown would otherwise).
    public func removeNFTable(_ table: NFTable) async throws {
        try await run(in: table.host, ["nft", "delete", "table", table.family, table.name], timeout: .seconds(15))
        untrack(table)
    }
}
