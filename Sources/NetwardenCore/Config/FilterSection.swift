/// `[filter]`: how passive filter checking judges what the gateway sees — the school's own
/// resolvers and block pages (so its filter's answers are not leaks), the category lists, the
/// bypass lists, and whether client addresses are kept.
///
/// List files are only named here; the daemon reads them (core does no I/O) and reports their
/// problems as `FILE:LINE` lines of their own.
public struct FilterSection: ConfigSection {
    public static let name = "filter"

    /// What a category means for compliance (`must_block` names produce leak/blocked events).
    public enum Policy: String, Sendable, CaseIterable {
        case mustBlock = "must_block"
        case monitor
    }

    /// How a category's list files are written.
    public enum ListFormat: String, Sendable, CaseIterable {
        case auto, domains, hosts, adblock, ut1
    }

    /// One `[[filter.category]]` block.
    public struct Category: Sendable, Equatable {
        public var name: String
        public var policy: Policy
        /// Files, or for `ut1` the blacklists root directories.
        public var lists: [String]
        public var format: ListFormat
        /// For `ut1`: the UT1 categories (subdirectories) that make up this one; default its name.
        public var ut1Categories: [String]

        public init(
            name: String,
            policy: Policy,
            lists: [String],
            format: ListFormat = .auto,
            ut1Categories: [String] = []
        ) {
            self.name = name
            self.policy = policy
            self.lists = lists
            self.format = format
            self.ut1Categories = ut1Categories
        }
    }

    public var resolvers: [String]
    public var sinkholeAddresses: [String]
    public var blockPageAddresses: [String]
    public var blockPageHosts: [String]
    public var blockStatusCodes: [Int]
    public var categories: [Category]
    public var dohLists: [String]
    public var dohResolverLists: [String]
    public var torRelayLists: [String]
    public var echPublicNames: [String]
    public var keepClientAddresses: Bool
    /// Empty means `<state_directory>/pseudonym.key` (see `pseudonymKeyPath(stateDirectory:)`).
    public var pseudonymKeyFile: String
    public var leakDebounce: Duration

    public init(
        resolvers: [String] = [],
        sinkholeAddresses: [String] = [],
        blockPageAddresses: [String] = [],
        blockPageHosts: [String] = [],
        blockStatusCodes: [Int] = [],
        categories: [Category] = [],
        dohLists: [String] = [ShippedFiles.listDirectory + "doh-providers.txt"],
        dohResolverLists: [String] = [ShippedFiles.listDirectory + "doh-resolver-addresses.txt"],
        torRelayLists: [String] = [ShippedFiles.listDirectory + "tor-relays.txt"],
        echPublicNames: [String] = ["cloudflare-ech.com"],
        keepClientAddresses: Bool = false,
        pseudonymKeyFile: String = "",
        leakDebounce: Duration = .seconds(600)
    ) {
        self.resolvers = resolvers
        self.sinkholeAddresses = sinkholeAddresses
        self.blockPageAddresses = blockPageAddresses
        self.blockPageHosts = blockPageHosts
        self.blockStatusCodes = blockStatusCodes
        self.categories = categories
        self.dohLists = dohLists
        self.dohResolverLists = dohResolverLists
        self.torRelayLists = torRelayLists
        self.echPublicNames = echPublicNames
        self.keepClientAddresses = keepClientAddresses
        self.pseudonymKeyFile = pseudonymKeyFile
        self.leakDebounce = leakDebounce
    }

    public static let defaults = FilterSection()

    /// The key file to use: the configured one, or `pseudonym.key` in the state directory.
    public func pseudonymKeyPath(stateDirectory: String) -> String {
        if !pseudonymKeyFile.isEmpty { return pseudonymKeyFile }
        return (stateDirectory.hasSuffix("/") ? String(stateDirectory.dropLast()) : stateDirectory) + "/pseudonym.key"
    }

    /// One matcher holds at most this many categories (a 128-bit set per name).
    public static let maximumCategories = 128

    private static let address = ConfigValueType<String>.string.checked { text in
        IPAddressText.isNumeric(text) ? nil : "`\(text)` is not a numeric IPv4 or IPv6 address"
    }

    private static let hostName = ConfigValueType<String>.string.checked { host in
        let bytes = Array(host.utf8)
        if bytes.isEmpty || bytes.count > 253 { return "`\(host)` is not a host name; expected e.g. block.example.org" }
        if bytes.contains(where: { $0 >= 0x80 }) {
            return "`\(host)` is not ASCII; write internationalised names in punycode (xn--...)"
        }
        let allowed = bytes.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
                || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-")
                || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
        }
        if !allowed || !host.contains(".") || host.contains("..") || host.hasPrefix(".") {
            return "`\(host)` is not a host name; expected e.g. block.example.org"
        }
        return nil
    }

    public init(from reader: ConfigTableReader) {
        let defaults = Self.defaults
        let addresses = ConfigValueType<[String]>.strings(Self.address)
        let paths = ConfigValueType<[String]>.strings(DaemonSection.absolutePath)
        let hosts = ConfigValueType<[String]>.strings(Self.hostName)
        resolvers = reader.value("resolvers", addresses, default: defaults.resolvers)
        sinkholeAddresses = reader.value("sinkhole_addresses", addresses, default: defaults.sinkholeAddresses)
        blockPageAddresses = reader.value("block_page_addresses", addresses, default: defaults.blockPageAddresses)
        blockPageHosts = reader.value("block_page_hosts", hosts, default: defaults.blockPageHosts)
        blockStatusCodes = reader.value("block_status_codes", .intList(range: 100...599), default: [])
        dohLists = reader.value("doh_lists", paths, default: defaults.dohLists)
        dohResolverLists = reader.value("doh_resolver_lists", paths, default: defaults.dohResolverLists)
        torRelayLists = reader.value("tor_relay_lists", paths, default: defaults.torRelayLists)
        echPublicNames = reader.value("ech_public_names", hosts, default: defaults.echPublicNames)
        keepClientAddresses = reader.bool("keep_client_addresses", default: defaults.keepClientAddresses)
        pseudonymKeyFile = reader.value(
            "pseudonym_key_file",
            ConfigValueType<String>.string.checked { path in
                // Empty keeps the default place in the state directory.
                path.isEmpty || path.hasPrefix("/")
                    ? nil : "`\(path)` is a relative path; expected an absolute path, or \"\" for the state directory"
            },
            default: defaults.pseudonymKeyFile
        )
        leakDebounce = reader.seconds("leak_debounce_seconds", range: 0...86_400, default: defaults.leakDebounce)

        var categories: [Category] = []
        var seen: Set<String> = []
        for block in reader.tables("category") {
            let category = Self.readCategory(block)
            if !category.name.isEmpty, !seen.insert(category.name).inserted {
                block.report(key: "name", "category `\(category.name)` is defined twice; expected unique names")
            }
            categories.append(category)
            block.finish()
        }
        if categories.count > Self.maximumCategories {
            reader.report(
                key: "category",
                "\(categories.count) categories; at most \(Self.maximumCategories) are supported (merge some lists)"
            )
        }
        self.categories = categories
    }

    private static func readCategory(_ block: ConfigTableReader) -> Category {
        let name = block.required(
            "name",
            ConfigValueType<String>.string.checked(ConfigLabel.problem(with:)),
            placeholder: "",
            example: "\"adult\""
        )
        let policy = block.required(
            "policy",
            .oneOf(Policy.self),
            placeholder: .monitor,
            example: "\"must_block\""
        )
        let lists = block.required(
            "lists",
            ConfigValueType<[String]>.strings(DaemonSection.absolutePath).checked { lists in
                lists.isEmpty ? "the list is empty; expected at least one file or directory" : nil
            },
            placeholder: [],
            example: "[\"/etc/netwarden/lists/adult.txt\"]"
        )
        let format = block.word("format", default: ListFormat.auto)
        let ut1Categories = block.value(
            "ut1_categories",
            .strings(ConfigValueType<String>.string.checked(ConfigLabel.problem(with:))),
            default: []
        )
        if !ut1Categories.isEmpty, format != .ut1 {
            block.report(
                key: "ut1_categories",
                "ut1_categories only applies with format = \"ut1\"; expected format = \"ut1\" or no ut1_categories"
            )
        }
        return Category(name: name, policy: policy, lists: lists, format: format, ut1Categories: ut1Categories)
    }
}
