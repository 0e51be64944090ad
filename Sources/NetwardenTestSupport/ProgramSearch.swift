import Foundation
import Glibc

/// Where a program named on a test's command line lives.
enum ProgramSearch {
    /// Directories searched after `$PATH`: test runners often drop the sbin directories, where
    /// `ip`, `nft`, `dnsmasq` and `nginx` live.
    static let fallbackSearchPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]

    /// The absolute path `program` resolves to, or nil.
    static func resolve(_ program: String) -> String? {
        if program.contains("/") { return access(program, X_OK) == 0 ? program : nil }
        let path = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map(String.init) ?? []
        for directory in path + fallbackSearchPath where !directory.isEmpty {
            let candidate = directory + "/" + program
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}
