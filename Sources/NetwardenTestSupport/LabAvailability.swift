import Glibc
import Testing

/// A program a lab feature runs, and the Debian package that provides it, so a skipped test
/// says exactly what to install.
public struct LabProgram: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var debianPackage: String

    public init(_ name: String, debianPackage: String) {
        self.name = name
        self.debianPackage = debianPackage
    }

    public var description: String { "\(name) (\(debianPackage))" }

    public static let ip = LabProgram("ip", debianPackage: "iproute2")
    public static let dnsmasq = LabProgram("dnsmasq", debianPackage: "dnsmasq-base")
    public static let nginx = LabProgram("nginx", debianPackage: "nginx-light")
    public static let nft = LabProgram("nft", debianPackage: "nftables")
    public static let ping = LabProgram("ping", debianPackage: "iputils-ping")
    public static let tcpdump = LabProgram("tcpdump", debianPackage: "tcpdump")
    public static let openssl = LabProgram("openssl", debianPackage: "openssl")
    public static let curl = LabProgram("curl", debianPackage: "curl")
    public static let dig = LabProgram("dig", debianPackage: "bind9-dnsutils")
    public static let kdig = LabProgram("kdig", debianPackage: "knot-dnsutils")
    public static let unbound = LabProgram("unbound", debianPackage: "unbound")
    public static let tshark = LabProgram("tshark", debianPackage: "tshark")
    public static let python3 = LabProgram("python3", debianPackage: "python3")

    public var isInstalled: Bool { ProgramSearch.resolve(name) != nil }
}

extension Lab {
    /// Why no lab can be built here (not root, no iproute2, namespaces not permitted), or nil.
    /// Checked once per test process, by the first test that needs it: the check creates and
    /// deletes a namespace, which is not done at test discovery (see `requiresLab`).
    public static func unavailableReason() async -> String? {
        if let reason = staticUnavailableReason { return reason }
        return await namespaceProbe.value
    }

    /// What can be known without running a program.
    static var staticUnavailableReason: String? {
        if geteuid() != 0 { return "the lab needs root (running as uid \(geteuid()))" }
        if !LabProgram.ip.isInstalled { return "the lab needs `ip` from iproute2, which is not installed" }
        return nil
    }

    private static let namespaceProbe = Task<String?, Never> {
        let probe = LabNames.prefix(pid: getpid()) + "probe"
        do {
            try await Command(["ip", "netns", "add", probe], timeout: .seconds(10)).run()
            try await Command(["ip", "netns", "delete", probe], timeout: .seconds(10)).run()
        } catch {
            return "cannot create network namespaces here: \(error)"
        }
        return nil
    }

    /// Why a lab using `programs` cannot run here for reasons known without running anything
    /// (not root, a program missing, naming its package); nil when none is known.
    static func staticUnavailableReason(requiring programs: [LabProgram]) -> String? {
        if let staticUnavailableReason { return staticUnavailableReason }
        let missing = programs.filter { !$0.isInstalled }
        guard !missing.isEmpty else { return nil }
        let packages = Set(missing.map(\.debianPackage)).sorted().joined(separator: " ")
        return "the lab needs \(missing.map(\.description).joined(separator: ", ")); "
            + "install with: apt-get install \(packages)"
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test only where a lab with `programs` can be built; otherwise the test is
    /// skipped and the report shows why (not root, which program and package is missing).
    ///
    /// ```swift
    /// @Test(.requiresLab(.dnsmasq), .timeLimit(.minutes(1))) func resolves() async throws { ... }
    /// ```
    public static func requiresLab(_ programs: LabProgram...) -> Self {
        // Root and programs are known at discovery, with a precise reason. Whether namespaces
        // can be made needs `ip`, which only an async condition may wait for.
        if let reason = Lab.staticUnavailableReason(requiring: programs) {
            return .enabled(if: false, Comment(rawValue: reason))
        }
        return .enabled("the lab cannot create network namespaces here (`ip netns add` failed)") {
            await Lab.unavailableReason() == nil
        }
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test only where every program in `programs` is installed (no lab, no root
    /// needed); otherwise the test is skipped naming the missing programs and packages.
    public static func requiresPrograms(_ programs: LabProgram...) -> Self {
        let missing = programs.filter { !$0.isInstalled }
        let reason =
            "needs \(missing.map(\.description).joined(separator: ", ")); install with: apt-get install "
            + Set(missing.map(\.debianPackage)).sorted().joined(separator: " ")
        return .enabled(if: missing.isEmpty, Comment(rawValue: missing.isEmpty ? "programs installed" : reason))
    }
}
