import FoundationEssentials
import NetwardenCore
import NetwardenFiltering
import NetwardenPlatform

/// Turns `[filter_tests]` into a runnable suite: reads the canary catalogues and block-page
/// fingerprint files it names (NetwardenFiltering does no I/O), picks this run's rotation of
/// catalogue canaries, and finds the resolver.
///
/// A file the config names that cannot be read is an error; a shipped file not installed (quick
/// start, tests) is a warning; bad lines are warnings with `FILE:LINE`.
public struct FilterTestSetup: Sendable {
    public var plan: FilterTestSuite.Plan
    public var suite: FilterTestSuite
    public var warnings: [String]

    /// Builds the suite for run number `run` (the rotation index). `transport` replaces the live
    /// one in tests.
    public static func load(
        _ section: FilterTestsSection,
        run: Int,
        transport: (any FilterTestTransport)? = nil
    ) -> Result<FilterTestSetup, SettingsLoadFailure> {
        var errors: [String] = []
        var warnings: [String] = []

        func read(_ path: String) -> String? {
            guard FileManager.default.fileExists(atPath: path) else {
                if ShippedFiles.isShipped(path) {
                    warnings.append("\(path): shipped file not installed; skipping it")
                } else {
                    errors.append("\(path): no such file")
                }
                return nil
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                errors.append("\(path): cannot be read")
                return nil
            }
            return String(decoding: data, as: UTF8.self)
        }

        var fingerprints = BlockPageFingerprints()
        for path in section.blockPages {
            guard let text = read(path) else { continue }
            let (parsed, problems) = BlockPageFingerprints.parse(text)
            fingerprints.merge(parsed)
            warnings += problems.map { "\(path):\($0.line): \($0.message)" }
        }
        var catalogue: [FilterTestsSection.Canary] = []
        for path in section.catalogues {
            guard let text = read(path) else { continue }
            let (parsed, problems) = CanaryCatalogue.parse(text)
            catalogue += parsed
            warnings += problems.map { "\(path):\($0.line): \($0.message)" }
        }
        guard let resolver = section.resolver ?? SystemResolvers.first() else {
            errors.append("filter_tests.resolver: not set and /etc/resolv.conf names no resolver")
            return .failure(SettingsLoadFailure(lines: errors))
        }
        if !errors.isEmpty { return .failure(SettingsLoadFailure(lines: errors)) }

        let canaries =
            section.canaries + CanaryCatalogue.select(catalogue, perCategory: section.canariesPerCategory, run: run)
        let interception =
            section.interceptionURLs.isEmpty
            ? section.controlURLs.filter { $0.lowercased().hasPrefix("https://") } : section.interceptionURLs
        let plan = FilterTestSuite.Plan(
            vantages: section.vantages,
            controlURLs: section.controlURLs,
            canaries: canaries,
            safeSearch: section.safeSearch,
            bypass: section.bypass,
            interceptionURLs: interception,
            expectInterception: section.expectInterception
        )
        let live = LiveFilterTestTransport(
            resolver: resolver,
            timeout: section.timeout,
            caFile: section.caFile,
            filterCAFile: section.filterCAFile
        )
        let chain = CanaryChain(
            transport: transport ?? live,
            fingerprints: fingerprints,
            blockPageAddresses: section.blockPageAddresses
        )
        return .success(FilterTestSetup(plan: plan, suite: FilterTestSuite(chain: chain), warnings: warnings))
    }

    /// Runs every check on a thread of its own (the steps block on sockets and curl).
    public func run() async -> [FilterCheckResult] {
        let suite = suite
        let plan = plan
        return await BlockingWork.run("filter-test") { suite.run(plan) }
    }
}
