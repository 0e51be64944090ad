import FoundationEssentials
import NetwardenCompliance
import NetwardenFiltering
import NetwardenPlatform

/// The local, tamper-evident compliance log: `<state_directory>/compliance/compliance.jsonl`, one
/// hash-chained record per check run (format: ``ComplianceChain``). The same records also go to
/// the collector as `filter_compliance` events; this copy is the school's own evidence when the
/// collector is unreachable, and its chain shows that nothing was edited afterwards.
public final class ComplianceLog: @unchecked Sendable {
    public let path: String
    // Owned by the one FilterTestService task that appends; no concurrent access.
    private var previous: String
    private let file: AppendOnlyFile

    public static func path(stateDirectory: String) -> String {
        (stateDirectory.hasSuffix("/") ? String(stateDirectory.dropLast()) : stateDirectory)
            + "/compliance/compliance.jsonl"
    }

    /// Opens (or creates) the log and verifies its chain. A broken chain is set aside under a
    /// name of its own, never overwritten, and a new chain starts; `brokenAt` says where it broke.
    public init(stateDirectory: String) throws {
        path = Self.path(stateDirectory: stateDirectory)
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        try FileSystem.makeDirectories(directory)
        var previous = ComplianceChain.genesis
        if let data = FileManager.default.contents(atPath: path) {
            switch ComplianceChain.verify(Self.lines(data)) {
            case .success(let last): previous = last
            case .failure(let failure):
                brokenAt = failure
                let aside = path + ".broken-\(Int(Date().timeIntervalSince1970))"
                try FileManager.default.moveItem(atPath: path, toPath: aside)
            }
        }
        self.previous = previous
        file = try AppendOnlyFile(path: path)
    }

    /// Where the existing log's chain broke when it was opened, if it did.
    public private(set) var brokenAt: ComplianceChain.Break?

    /// Appends one sealed record per result; returns the lines written.
    @discardableResult
    public func append(_ results: [FilterCheckResult], runID: String, time: String, site: String) throws -> [String] {
        var lines: [String] = []
        var bytes: [UInt8] = []
        for result in results {
            let sealed = ComplianceChain.seal(
                ComplianceChain.record(result, runID: runID, time: time, site: site),
                previous: previous
            )
            previous = sealed.hash
            lines.append(sealed.line)
            bytes += Array(sealed.line.utf8) + [0x0a]
        }
        try file.write(bytes)
        return lines
    }

    /// Verifies a log file on disk (what an inspector's tooling, or a test, runs).
    public static func verify(path: String) -> Result<String, ComplianceChain.Break> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(ComplianceChain.Break(line: 0, reason: "cannot read \(path)"))
        }
        return ComplianceChain.verify(lines(data))
    }

    private static func lines(_ data: Data) -> [String] {
        String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
