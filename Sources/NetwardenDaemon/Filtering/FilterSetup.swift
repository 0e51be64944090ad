import FoundationEssentials
import NetwardenCore
import NetwardenFiltering
import NetwardenProtocols

/// Builds a ready `FilterJudge` from the `[filter]` section: reads every list file and UT1
/// directory, and loads (or creates) the pseudonym key. NetwardenFiltering does no I/O; this is
/// where its bytes come from.
///
/// Problems come back as technician-readable lines. A list that cannot be read is an error
/// (a reload keeps the running lists); bad lines inside a list are warnings with line numbers,
/// since real lists always contain some.
public struct FilterSetup {
    public var judge: FilterJudge
    /// Non-fatal findings: bad lines in lists, shipped lists not installed, a key created.
    public var warnings: [String]
    /// Domains loaded per category, for the start-up log.
    public var domainsPerCategory: [(String, Int)]

    public static func load(
        _ section: FilterSection,
        site: String,
        stateDirectory: String
    ) -> Result<FilterSetup, SettingsLoadFailure> {
        var errors: [String] = []
        var warnings: [String] = []

        func read(_ path: String) -> [UInt8]? {
            var isDirectory: Bool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                // The package's lists: without the package (quick start, tests) a missing one is
                // a warning, not an error.
                if ShippedFiles.isShipped(path) {
                    warnings.append("\(path): shipped list not installed; skipping it")
                } else {
                    errors.append("\(path): no such file")
                }
                return nil
            }
            guard !isDirectory, let data = FileManager.default.contents(atPath: path) else {
                errors.append("\(path): cannot read (a directory, or permission denied)")
                return nil
            }
            return [UInt8](data)
        }

        // Categories.
        let categories = section.categories.map {
            FilterCategory(name: $0.name, policy: $0.policy == .mustBlock ? .mustBlock : .monitor)
        }
        var domainsPerCategory: [(String, Int)] = []
        let matcher: CategoryMatcher
        do {
            var builder = try CategoryMatcherBuilder(categories: categories)
            for (index, category) in section.categories.enumerated() {
                var loaded = 0
                for path in category.lists {
                    if category.format == .ut1 {
                        let names = category.ut1Categories.isEmpty ? [category.name] : category.ut1Categories
                        for name in names {
                            let file = UT1Layout.domainsFile(root: path, category: name)
                            guard let bytes = read(file) else { continue }
                            let report = builder.addList(contents: bytes, fileName: file, format: .ut1, category: index)
                            loaded += report.domains
                            warnings += report.messages
                        }
                    } else {
                        guard let bytes = read(path) else { continue }
                        let format = ListFormat(rawValue: category.format.rawValue) ?? .auto
                        let report = builder.addList(contents: bytes, fileName: path, format: format, category: index)
                        loaded += report.domains
                        warnings += report.messages
                    }
                }
                domainsPerCategory.append((category.name, loaded))
            }
            matcher = try builder.build()
        } catch {
            return .failure(SettingsLoadFailure(lines: errors + ["[filter]: \(error)"]))
        }

        // Judgement settings.
        var settings: FilterJudgeSettings
        do {
            settings = try FilterJudgeSettings(site: site)
            settings.resolvers = Set(section.resolvers.compactMap { IPAddress(text: $0) })
            settings.sinkholeAddresses = Set(section.sinkholeAddresses.compactMap { IPAddress(text: $0) })
            settings.blockPageAddresses = Set(section.blockPageAddresses.compactMap { IPAddress(text: $0) })
            settings.blockStatusCodes = Set(section.blockStatusCodes)
            settings.debounceSeconds = section.leakDebounce.components.seconds
            let (blockHosts, refusedHosts) = try CategoryMatcher.nameSet(
                "block_page_hosts",
                domains: section.blockPageHosts
            )
            settings.blockPageHosts = blockHosts
            let (ech, refusedECH) = try CategoryMatcher.nameSet("ech", domains: section.echPublicNames)
            settings.echPublicNames = ech
            warnings += (refusedHosts + refusedECH).map { "[filter]: \($0)" }
            var doh = try CategoryMatcherBuilder(categories: [FilterCategory(name: "doh", policy: .monitor)])
            for path in section.dohLists {
                guard let bytes = read(path) else { continue }
                warnings += doh.addList(contents: bytes, fileName: path, format: .domains, category: 0).messages
            }
            settings.dohProviders = try doh.build()
            for path in section.dohResolverLists {
                guard let bytes = read(path) else { continue }
                settings.dohResolverAddresses.add(contents: bytes, fileName: path)
            }
            for path in section.torRelayLists {
                guard let bytes = read(path) else { continue }
                settings.torRelayAddresses.add(contents: bytes, fileName: path)
            }
            warnings += settings.dohResolverAddresses.problems + settings.torRelayAddresses.problems
        } catch {
            return .failure(SettingsLoadFailure(lines: errors + ["[filter]: \(error)"]))
        }

        // Pseudonymisation: the key lives with the state; created once, never logged.
        let pseudonymizer: ClientPseudonymizer
        if section.keepClientAddresses {
            pseudonymizer = .keepingAddresses
        } else {
            let path = section.pseudonymKeyPath(stateDirectory: stateDirectory)
            switch PseudonymKeyFile.loadOrCreate(path: path) {
            case .success(let (key, created)):
                pseudonymizer = ClientPseudonymizer(key: key)
                if created { warnings.append("\(path): created a new pseudonym key") }
            case .failure(let failure):
                errors += failure.lines
                pseudonymizer = ClientPseudonymizer(key: ClientPseudonymizer.generateKey())
            }
        }

        guard errors.isEmpty else { return .failure(SettingsLoadFailure(lines: errors)) }
        let judge = FilterJudge(
            settings: settings,
            categories: ReloadableCategoryMatcher(matcher),
            pseudonymizer: pseudonymizer
        )
        return .success(FilterSetup(judge: judge, warnings: warnings, domainsPerCategory: domainsPerCategory))
    }
}

/// The keyed-hash secret that pseudonymises client addresses: 32 random bytes in a 0600 file.
/// Keeping it across restarts keeps a client's pseudonym stable, so repeated leaks from one
/// device can be followed up without storing its address.
enum PseudonymKeyFile {
    static func loadOrCreate(path: String) -> Result<([UInt8], Bool), SettingsLoadFailure> {
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count >= 16 else {
                return .failure(SettingsLoadFailure(lines: ["\(path): pseudonym key is shorter than 16 bytes"]))
            }
            return .success(([UInt8](data), false))
        }
        let key = ClientPseudonymizer.generateKey()
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        do {
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
        } catch {
            return .failure(SettingsLoadFailure(lines: ["\(directory): cannot create directory for the pseudonym key"]))
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(key), attributes: [.posixPermissions: 0o600])
        else {
            return .failure(SettingsLoadFailure(lines: ["\(path): cannot write the pseudonym key"]))
        }
        return .success((key, true))
    }
}
