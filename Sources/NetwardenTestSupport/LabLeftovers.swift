import Foundation
import Glibc

extension Lab {
    /// Removes namespaces and temporary directories left by lab runs that crashed (or were
    /// killed) before tearing down: those whose name carries a pid that is no longer alive.
    /// Labs of live processes, including other test runs on the same machine, are left alone.
    /// Called whenever a lab starts. Returns the namespaces it removed.
    @discardableResult
    public static func cleanupLeftovers() async -> [String] {
        guard let listing = try? await Command(["ip", "netns", "list"], timeout: .seconds(10)).run() else { return [] }
        // Lines look like "name" or "name (id: 3)".
        let names = listing.standardOutputText.split(separator: "\n").compactMap { $0.split(separator: " ").first }
            .map(String.init)
        var removed: [String] = []
        for name in names {
            guard let pid = LabNames.creatorPID(of: name), !isAlive(pid) else { continue }
            _ = await killAll(in: name)
            if (try? await Command(["ip", "netns", "delete", name], timeout: .seconds(10)).run()) != nil {
                removed.append(name)
            }
        }
        let temporary = NSTemporaryDirectory()
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? [] {
            guard let pid = LabNames.creatorPID(of: entry), !isAlive(pid) else { continue }
            try? FileManager.default.removeItem(atPath: temporary + "/" + entry)
        }
        return removed
    }

    /// kill(pid, 0) succeeds or fails with EPERM for a live process; ESRCH means gone.
    private static func isAlive(_ pid: pid_t) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }
}
