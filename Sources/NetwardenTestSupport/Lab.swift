import CLabNamespace
import Foundation
import Glibc
import Synchronization

/// A throwaway network of Linux network namespaces joined by veth pairs, with real servers
/// (dnsmasq, nginx), nftables rules and captures inside it, for tests that need real packets.
///
/// Use the scoped form; it tears everything down even when the body throws or is cancelled:
///
/// ```swift
/// @Test(.requiresLab(.dnsmasq), .timeLimit(.minutes(1)))
/// func resolvesThroughTheGateway() async throws {
///     try await Lab.with(.school) { lab in
///         let dns = try await lab.startDNSServer(in: "internet", .init(records: [.a("school.example", "10.9.9.9")]))
///         let answer = try await lab.dnsQuery(from: "client", server: dns.addresses[0], name: "school.example")
///         #expect(answer.addresses == ["10.9.9.9"])
///     }
/// }
/// ```
///
/// Each host is a namespace named `nwl-<pid hex>-<lab number>-<host>`; the creating pid in the name
/// is how `cleanupLeftovers()` recognises namespaces from crashed runs. Teardown kills every
/// process in the lab's namespaces (`ip netns pids`), deletes nftables tables and namespaces
/// (which takes the veths with them) and removes the lab's temporary directory.
public final class Lab: Sendable {
    public let topology: LabTopology
    /// `nwl-<pid hex>-<n>`: the prefix of every namespace and of the temporary directory.
    public let id: String
    /// A temporary directory for this lab's config files, logs, pid files and captures.
    public let directory: String
    private let namespaces: [String: String]
    private let state = Mutex(State())

    private struct State {
        var processes: [BackgroundProcess] = []
        var tables: [NFTable] = []
        var isShutDown = false
        var certificateAuthority: LabCertificateAuthority?
    }

    private init(topology: LabTopology, id: String, directory: String) {
        self.topology = topology
        self.id = id
        self.directory = directory
        self.namespaces = Dictionary(uniqueKeysWithValues: topology.hosts.map { ($0.name, "\(id)-\($0.name)") })
    }

    deinit {
        // Last resort when a test dropped a lab without `shutdown()`: the same steps in a task of
        // their own (a deinit must not block a thread waiting for programs; see ProcessRunner).
        // If the test process ends first, the next lab removes them (`cleanupLeftovers`).
        let alreadyShutDown = state.withLock { $0.isShutDown }
        guard !alreadyShutDown else { return }
        let namespaces = Array(namespaces.values)
        let directory = directory
        Task { await Self.removeLeftovers(namespaces: namespaces, directory: directory) }
    }

    // MARK: creating and removing

    /// Builds `topology` and runs `body` with it; tears the lab down afterwards whether `body`
    /// returns, throws or is cancelled. A teardown failure is thrown only when `body` succeeded.
    public static func with<T>(
        _ topology: LabTopology = .school,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (Lab) async throws -> T
    ) async throws -> T {
        let lab = try await start(topology)
        let result: Result<T, any Error>
        do {
            result = .success(try await body(lab))
        } catch {
            result = .failure(error)
        }
        // An unstructured task does not inherit cancellation (a test's time limit cancels the
        // test task), so the teardown commands still run.
        let teardown = await Task { () -> (any Error & Sendable)? in
            do {
                try await lab.shutdown()
                return nil
            } catch {
                return error as? LabError ?? LabError(code: .teardownFailed, message: "\(error)")
            }
        }.value
        switch result {
        case .success(let value):
            if let teardown { throw teardown }
            return value
        case .failure(let error):
            throw error
        }
    }

    /// Builds `topology`. The caller must `shutdown()` the lab; prefer `with`.
    public static func start(_ topology: LabTopology = .school) async throws -> Lab {
        if let reason = await unavailableReason() { throw LabError(code: .unavailable, message: reason) }
        try topology.validate()
        _ = await cleanupLeftovers()
        let id = LabNames.prefix(pid: getpid()) + String(LabNames.nextNumber())
        var template = Array((NSTemporaryDirectory() + "/" + id + "-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw LabError(code: .setupFailed, message: "mkdtemp failed: \(POSIXErrorText.current())")
        }
        let lab = Lab(topology: topology, id: id, directory: String(cString: made))
        do {
            try await lab.build()
        } catch {
            try? await lab.shutdown()
            throw error
        }
        return lab
    }

    private func build() async throws {
        func ip(_ arguments: [String], batch: [String]) async throws {
            guard !batch.isEmpty else { return }
            // One `ip -batch` per step instead of one process per address or route.
            let input = Array((batch.joined(separator: "\n") + "\n").utf8)
            do {
                try await Command(["ip"] + arguments + ["-batch", "-"], standardInput: input, timeout: .seconds(20))
                    .run()
            } catch let error as CommandError {
                throw LabError(
                    code: .setupFailed,
                    message: "building \(id) failed:\n" + batch.joined(separator: "\n"),
                    cause: error
                )
            }
        }
        try await ip([], batch: topology.hosts.map { "netns add \(try namespace($0.name))" })
        try await ip(
            [],
            batch: topology.links.map {
                // Both ends are born inside their namespaces: no name clash with the host or
                // other runs, and nothing left in the root namespace if we crash.
                "link add \($0.a.interface) netns \(try namespace($0.a.host)) type veth "
                    + "peer name \($0.b.interface) netns \(try namespace($0.b.host))"
            }
        )
        for host in topology.hosts {
            let ends = topology.links.flatMap { [$0.a, $0.b] }.filter { $0.host == host.name }
            var batch = ["link set lo up"]
            batch += host.loopbackAddresses.map { "addr add \($0) dev lo" + ($0.contains(":") ? " nodad" : "") }
            for end in ends {
                // nodad: duplicate address detection would hold IPv6 addresses "tentative" for
                // about two seconds, failing the first pings and binds of every test.
                batch += end.addresses.map {
                    "addr add \($0) dev \(end.interface)" + ($0.contains(":") ? " nodad" : "")
                }
                batch.append("link set \(end.interface) up")
            }
            for route in topology.routes where route.host == host.name {
                // Batch lines take no global options such as -6, so an IPv6 default is spelled out.
                let destination = route.isIPv6 && route.destination == "default" ? "::/0" : route.destination
                var line = "route add \(destination)"
                if let gateway = route.gateway { line += " via \(gateway)" }
                if let interface = route.interface { line += " dev \(interface)" }
                if let metric = route.metric { line += " metric \(metric)" }
                batch.append(line)
            }
            try await ip(["-n", try namespace(host.name)], batch: batch)
            if host.forwardsPackets {
                try await withNamespace(host.name) {
                    for path in ["/proc/sys/net/ipv4/ip_forward", "/proc/sys/net/ipv6/conf/all/forwarding"] {
                        // /proc/sys/net belongs to the namespace of the thread that opens it.
                        guard (try? "1\n".write(toFile: path, atomically: false, encoding: .utf8)) != nil else {
                            throw LabError(code: .setupFailed, message: "could not enable forwarding: \(path)")
                        }
                    }
                }
            }
        }
    }

    /// Kills every process in the lab's namespaces, deletes its nftables tables, namespaces
    /// (and with them the veths) and temporary directory. Idempotent. Throws if anything could
    /// not be removed.
    public func shutdown() async throws {
        let (processes, tables) =
            state.withLock { state -> ([BackgroundProcess], [NFTable])? in
                guard !state.isShutDown else { return nil }
                state.isShutDown = true
                defer {
                    state.processes = []
                    state.tables = []
                }
                return (state.processes, state.tables)
            } ?? ([], [])
        guard FileManager.default.fileExists(atPath: directory) || !processes.isEmpty else { return }

        var problems: [String] = []
        // Polite first, so servers flush logs and captures; terminate escalates to SIGKILL.
        await withTaskGroup(of: Void.self) { group in
            for process in processes { group.addTask { await process.terminate(grace: .seconds(2)) } }
        }
        let existing = namespaces.values.filter { FileManager.default.fileExists(atPath: "/run/netns/" + $0) }
        for namespace in existing {
            if let left = await Self.killAll(in: namespace) { problems.append(left) }
        }
        for table in tables where existing.contains(table.namespace) {
            // Deleting the namespace normally takes its tables along, but a process we could not
            // kill keeps the namespace (and a loss rule) alive; explicit deletion covers that.
            _ = try? await Command(
                ["ip", "netns", "exec", table.namespace, "nft", "delete", "table", table.family, table.name],
                timeout: .seconds(10)
            ).run()
        }
        for namespace in existing {
            do {
                try await Command(["ip", "netns", "delete", namespace], timeout: .seconds(10)).run()
            } catch {
                problems.append("\(error)")
            }
        }
        do {
            try FileManager.default.removeItem(atPath: directory)
        } catch {
            problems.append("removing \(directory): \(error)")
        }
        if !problems.isEmpty {
            throw LabError(code: .teardownFailed, message: problems.joined(separator: "\n"))
        }
    }

    /// SIGKILLs every process in `namespace` until none is left; returns a problem or nil.
    static func killAll(in namespace: String) async -> String? {
        for _ in 0..<100 {
            guard
                let output = try? await Command(["ip", "netns", "pids", namespace], timeout: .seconds(10)).run()
            else { return "could not list processes in \(namespace)" }
            let pids = output.standardOutputText.split(whereSeparator: \.isWhitespace).compactMap { pid_t($0) }
            if pids.isEmpty { return nil }
            for pid in pids { kill(pid, SIGKILL) }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return "processes still running in \(namespace) after SIGKILL"
    }

    /// Kills what runs in `namespaces`, deletes them and `directory`, reporting nothing: the
    /// fallback for a lab nobody shut down.
    static func removeLeftovers(namespaces: [String], directory: String) async {
        for namespace in namespaces where FileManager.default.fileExists(atPath: "/run/netns/" + namespace) {
            _ = await killAll(in: namespace)
            _ = try? await Command(["ip", "netns", "delete", namespace], timeout: .seconds(10)).run(check: false)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: using

    /// The namespace name of `host`.
    public func namespace(_ host: String) throws(LabError) -> String {
        guard let namespace = namespaces[host] else {
            throw LabError(
                code: .unknownHost,
                message: "no host '\(host)' in this lab (hosts: \(topology.hosts.map(\.name).joined(separator: ", ")))"
            )
        }
        return namespace
    }

    /// Every namespace of this lab, keyed by host.
    public var allNamespaces: [String: String] { namespaces }

    private func checkOpen() throws(LabError) {
        if state.withLock({ $0.isShutDown }) { throw LabError(code: .shutDown, message: "\(id) was shut down") }
    }

    /// Runs `argv` inside `host`'s namespace to completion (`ip netns exec`).
    @discardableResult
    public func run(
        in host: String,
        _ argv: [String],
        standardInput: [UInt8] = [],
        timeout: Duration = .seconds(30),
        check: Bool = true,
        fileID: String = #fileID,
        line: Int = #line
    ) async throws -> CommandOutput {
        try checkOpen()
        return try await Command(
            ["ip", "netns", "exec", try namespace(host)] + argv,
            standardInput: standardInput,
            timeout: timeout
        ).run(check: check, fileID: fileID, line: line)
    }

    /// Starts `argv` inside `host`'s namespace in the background. The lab stops it on teardown
    /// if the test has not.
    public func start(
        in host: String,
        _ argv: [String],
        name: String? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) async throws -> BackgroundProcess {
        try checkOpen()
        let process = try await BackgroundProcess(
            ["ip", "netns", "exec", try namespace(host)] + argv,
            name: (name ?? argv.first ?? "process") + " in \(host)",
            fileID: fileID,
            line: line
        )
        track(process)
        return process
    }

    func track(_ process: BackgroundProcess) { state.withLock { $0.processes.append(process) } }
    func track(_ table: NFTable) { state.withLock { $0.tables.append(table) } }
    func untrack(_ table: NFTable) { state.withLock { $0.tables.removeAll { $0 == table } } }

    /// Runs `body` on a fresh thread that has joined `host`'s network namespace; sockets it
    /// creates belong to that namespace for their whole life, wherever they are used later.
    /// The thread ends with `body`, so no pool thread is ever left in a lab namespace. This is
    /// how in-process clients (and probe code under test) reach lab servers without a helper
    /// program.
    public func withNamespace<T: Sendable>(
        _ host: String,
        _ body: @escaping @Sendable () throws -> T
    ) async throws
        -> T
    {
        try checkOpen()
        let path = "/run/netns/" + (try namespace(host))
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            Thread.detachNewThread {
                let fd = open(path, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else {
                    continuation.resume(
                        throwing: LabError(code: .clientFailed, message: "open \(path): \(POSIXErrorText.current())")
                    )
                    return
                }
                let joined = CLabNamespace_joinNetworkNamespace(fd)
                let reason = POSIXErrorText.current()
                close(fd)
                guard joined == 0 else {
                    continuation.resume(throwing: LabError(code: .clientFailed, message: "setns \(path): \(reason)"))
                    return
                }
                continuation.resume(with: Result { try body() })
            }
        }
    }

    /// A directory for one server's or capture's files inside the lab directory.
    func makeDirectory(_ name: String) throws -> String {
        let path = directory + "/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The lab's certificate authority, created on first use (by an HTTPS server or a test that
    /// wants its certificate for a client's trust store).
    public func certificateAuthority() async throws -> LabCertificateAuthority {
        if let existing = state.withLock({ $0.certificateAuthority }) { return existing }
        let created = try await LabCertificateAuthority.create(
            in: try makeDirectory("ca-\(UUID().uuidString.prefix(8))")
        )
        return state.withLock { state in
            if let existing = state.certificateAuthority { return existing }
            state.certificateAuthority = created
            return created
        }
    }
}

/// Lab names: `nwl-<pid hex>-` then a per-process counter.
enum LabNames {
    private static let counter = Atomic<Int>(0)

    static func prefix(pid: pid_t) -> String { "nwl-" + String(pid, radix: 16) + "-" }

    static func nextNumber() -> Int { counter.add(1, ordering: .relaxed).newValue }

    /// The pid in a name made by `prefix`, or nil if the name is not one of ours.
    static func creatorPID(of name: String) -> pid_t? {
        let parts = name.split(separator: "-", maxSplits: 2)
        guard parts.count == 3, parts[0] == "nwl" else { return nil }
        return pid_t(parts[1], radix: 16)
    }
}
