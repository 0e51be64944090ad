import Foundation

/// What a lab dnsmasq answers. It never forwards (`no-resolv`, no hosts file): names it does not
/// know under `localDomains` get NXDOMAIN, anything else REFUSED.
public struct DNSServerConfiguration: Sendable {
    /// One configured answer.
    public enum Record: Sendable {
        /// A record for exactly this name.
        case a(String, String)
        /// AAAA record for exactly this name.
        case aaaa(String, String)
        /// TXT record; each string at most 255 bytes. Many or long strings make a response that
        /// does not fit 512 bytes, so a UDP query without EDNS comes back truncated (TC).
        case txt(String, [String])
        case cname(String, target: String)
        /// dnsmasq `address=/domain/ip`: the domain and every name under it answer `ip`; with
        /// "0.0.0.0" or "::" this is how filters block (`address=/blocked.example/0.0.0.0`).
        case domain(String, address: String)
    }

    public var records: [Record]
    /// Domains dnsmasq answers for alone (`local=/domain/`): unknown names get NXDOMAIN.
    public var localDomains: [String]
    /// Addresses to listen on; nil means every address of the host (loopback service
    /// addresses and link addresses).
    public var listenAddresses: [String]?
    public var port: UInt16
    public var logQueries: Bool
    /// Raw dnsmasq.conf lines appended last, for anything not modelled here.
    public var extraLines: [String]

    public init(
        records: [Record] = [],
        localDomains: [String] = [],
        listenAddresses: [String]? = nil,
        port: UInt16 = 53,
        logQueries: Bool = true,
        extraLines: [String] = []
    ) {
        self.records = records
        self.localDomains = localDomains
        self.listenAddresses = listenAddresses
        self.port = port
        self.logQueries = logQueries
        self.extraLines = extraLines
    }

    /// The dnsmasq.conf text; pid, lease and log paths go under `directory`.
    func configuration(directory: String, listen: [String]) -> String {
        var lines = [
            "no-resolv", "no-hosts", "no-poll", "bind-interfaces", "port=\(port)",
            // Stay root: the pid and lease files live in a root-owned temporary directory.
            "user=root",
            "pid-file=\(directory)/dnsmasq.pid", "dhcp-leasefile=\(directory)/dnsmasq.leases",
            "log-facility=-",
        ]
        if logQueries { lines.append("log-queries") }
        lines += listen.map { "listen-address=\($0)" }
        lines += localDomains.map { "local=/\($0)/" }
        for record in records {
            switch record {
            case .a(let name, let address), .aaaa(let name, let address):
                lines.append("host-record=\(name),\(address)")
            case .txt(let name, let strings):
                // dnsmasq reads config lines into a fixed buffer (about 1 KiB), so long TXT data
                // is split into several records of the same name; all of them are answered.
                var group: [String] = []
                var length = 0
                for string in strings {
                    precondition(string.utf8.count <= 255, "a TXT string holds at most 255 bytes")
                    precondition(!string.contains("\""), "TXT strings with quotes are not supported")
                    if length + string.utf8.count > 600, !group.isEmpty {
                        lines.append("txt-record=\(name)," + group.map { "\"\($0)\"" }.joined(separator: ","))
                        group = []
                        length = 0
                    }
                    group.append(string)
                    length += string.utf8.count + 3
                }
                lines.append("txt-record=\(name)," + group.map { "\"\($0)\"" }.joined(separator: ","))
            case .cname(let name, let target):
                lines.append("cname=\(name),\(target)")
            case .domain(let domain, let address):
                lines.append("address=/\(domain)/\(address)")
            }
        }
        return (lines + extraLines).joined(separator: "\n") + "\n"
    }
}

/// A dnsmasq running inside a lab host, answering from a generated configuration.
public struct DNSServer: Sendable {
    public var host: String
    /// The addresses it listens on (IPv4 first).
    public var addresses: [String]
    public var port: UInt16
    public var configurationPath: String
    public var process: BackgroundProcess

    /// Stops it now (the lab would on teardown).
    public func stop() async { await process.terminate() }
}

extension Lab {
    /// Every address of `host`, IPv4 first: loopback service addresses, then link addresses.
    public func addresses(of host: String) -> [String] {
        let loopback = topology.hosts.first { $0.name == host }?.loopbackAddresses ?? []
        let links = topology.links.flatMap { [$0.a, $0.b] }.filter { $0.host == host }.flatMap(\.addresses)
        return (loopback + links).map { String($0.split(separator: "/")[0]) }
            .enumerated().sorted {
                ($0.element.contains(":") ? 1 : 0, $0.offset) < ($1.element.contains(":") ? 1 : 0, $1.offset)
            }
            .map(\.element)
    }

    /// Starts dnsmasq in `host` (`--no-daemon`, files in the lab directory) and returns once it
    /// answers queries on every listen address.
    public func startDNSServer(
        in host: String,
        _ configuration: DNSServerConfiguration = .init()
    ) async throws
        -> DNSServer
    {
        let directory = try makeDirectory("dnsmasq-\(host)-\(UUID().uuidString.prefix(8))")
        let listen = configuration.listenAddresses ?? addresses(of: host)
        let path = directory + "/dnsmasq.conf"
        try configuration.configuration(directory: directory, listen: listen).write(
            toFile: path,
            atomically: true,
            encoding: .utf8
        )
        let process = try await start(in: host, ["dnsmasq", "--no-daemon", "--conf-file=\(path)"], name: "dnsmasq")
        let port = configuration.port
        do {
            try await process.waitUntilReady(timeout: .seconds(15)) {
                // Any response at all (REFUSED included) means it is serving on that address.
                for address in listen {
                    let answered = try? await self.withNamespace(host) {
                        try LabDNSClient.query(
                            server: address,
                            port: port,
                            name: "nwl-ready.invalid",
                            type: LabDNSClient.RecordType.a,
                            timeout: .milliseconds(200)
                        )
                    }
                    if answered == nil { return false }
                }
                return true
            }
        } catch {
            throw LabError(
                code: .serverFailed,
                message: "dnsmasq in \(host) did not start",
                cause: error as? CommandError
            )
        }
        return DNSServer(host: host, addresses: listen, port: port, configurationPath: path, process: process)
    }
}
