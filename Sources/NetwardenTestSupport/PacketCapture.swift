import Foundation
import Glibc

/// A tcpdump writing one interface of a lab host to a pcap file: the independent record of what
/// went over the wire, to check probes and capture code against.
public struct PacketCapture: Sendable {
    public var host: String
    public var interface: String
    public var path: String
    public var process: BackgroundProcess

    /// Stops tcpdump (SIGTERM, so it flushes and closes the file) and returns the pcap path.
    @discardableResult
    public func stop() async -> String {
        await process.terminate(grace: .seconds(5))
        return path
    }
}

extension Lab {
    /// Starts tcpdump on `interface` in `host` with an optional BPF `filter`, and returns once it
    /// is capturing (it prints "listening on" after the filter compiled and the socket is open).
    public func startCapture(
        in host: String,
        interface: String,
        filter: String = "",
        name: String = "capture"
    )
        async throws -> PacketCapture
    {
        let path = try makeDirectory("captures") + "/\(host)-\(interface)-\(name)-\(UUID().uuidString.prefix(8)).pcap"
        // --immediate-mode: without it packets wait in the kernel ring until a block fills or
        // times out, and a stop shortly after the traffic finds none of them.
        // -U: write each packet as it arrives, so a stop never loses a buffered tail.
        // -Z root: keep root, or it cannot write into the root-owned lab directory.
        // -n: no name lookups, which would leave the lab.
        var argv = ["tcpdump", "-i", interface, "-n", "--immediate-mode", "-U", "-Z", "root", "-w", path]
        if !filter.isEmpty { argv += filter.split(separator: " ").map(String.init) }
        let process = try await start(in: host, argv, name: "tcpdump \(interface)")
        do {
            try await process.waitForLine(containing: "listening on", timeout: .seconds(15))
        } catch {
            throw LabError(
                code: .serverFailed,
                message: "tcpdump in \(host) did not start",
                cause: error as? CommandError
            )
        }
        return PacketCapture(host: host, interface: interface, path: path, process: process)
    }
}
