import NetwardenCore
import Testing

/// `[filter]` as a technician writes it, and the errors they get back.
@Suite struct FilterSectionTests {
    static let head = "[identity]\ntrust = \"t\"\nsite = \"s\"\n"

    private func parse(_ body: String) -> Result<NetwardenConfig, ConfigErrors> {
        NetwardenConfig.parse(bytes: Array((Self.head + body).utf8), fileName: "n.toml")
    }

    private func errors(_ body: String) -> [String] {
        if case .failure(let errors) = parse(body) { return errors.lines }
        return []
    }

    @Test func decodesEveryKey() throws {
        let config = try parse(
            """
            [filter]
            resolvers = ["10.0.0.53", "fd00::53"]
            sinkhole_addresses = ["10.0.0.9"]
            block_page_addresses = ["10.0.0.2"]
            block_page_hosts = ["block.filter.example"]
            block_status_codes = [451, 403]
            doh_lists = ["/etc/x/doh.txt"]
            keep_client_addresses = true
            pseudonym_key_file = "/var/lib/nw/key"
            leak_debounce_seconds = 60

            [[filter.category]]
            name = "adult"
            policy = "must_block"
            lists = ["/srv/ut1"]
            format = "ut1"
            ut1_categories = ["adult", "mixed_adult"]

            [[filter.category]]
            name = "ads"
            policy = "monitor"
            lists = ["/etc/ads.txt"]
            """
        ).get()
        let filter = config.filter
        #expect(filter.resolvers == ["10.0.0.53", "fd00::53"])
        #expect(filter.blockStatusCodes == [451, 403])
        #expect(filter.keepClientAddresses && filter.leakDebounce == .seconds(60))
        #expect(filter.pseudonymKeyPath(stateDirectory: "/x") == "/var/lib/nw/key")
        #expect(
            FilterSection.defaults.pseudonymKeyPath(stateDirectory: "/var/lib/netwarden/")
                == "/var/lib/netwarden/pseudonym.key"
        )
        #expect(
            filter.categories == [
                .init(
                    name: "adult",
                    policy: .mustBlock,
                    lists: ["/srv/ut1"],
                    format: .ut1,
                    ut1Categories: ["adult", "mixed_adult"]
                ),
                .init(name: "ads", policy: .monitor, lists: ["/etc/ads.txt"]),
            ]
        )
        #expect(filter.echPublicNames == ["cloudflare-ech.com"])
    }

    @Test func errorsNameLineKeyAndExpectation() {
        let lines = errors(
            """
            [filter]
            resolvers = ["10.0.0.300"]
            block_status_codes = [99]
            block_page_hosts = ["not a host"]
            pseudonym_key_file = "relative.key"

            [[filter.category]]
            name = "adult"
            policy = "must-block"
            lists = ["lists/adult.txt"]

            [[filter.category]]
            name = "adult"
            policy = "monitor"
            lists = ["/a"]
            ut1_categories = ["x"]
            [[filter.category]]
            policy = "monitor"
            lists = []
            """
        )
        #expect(
            lines == [
                "n.toml:5: filter.resolvers: entry 1: `10.0.0.300` is not a numeric IPv4 or IPv6 address",
                "n.toml:6: filter.block_status_codes: 99 is out of range; expected an integer from 100 to 599",
                "n.toml:7: filter.block_page_hosts: entry 1: `not a host` is not a host name; expected e.g. block.example.org",
                "n.toml:8: filter.pseudonym_key_file: `relative.key` is a relative path; expected an absolute path, or \"\" for the state directory",
                "n.toml:12: filter.category.policy: `must-block` is not allowed; expected one of: must_block, monitor (did you mean `must_block`?)",
                "n.toml:13: filter.category.lists: entry 1: `lists/adult.txt` is a relative path; expected an absolute path such as /var/lib/netwarden",
                "n.toml:16: filter.category.name: category `adult` is defined twice; expected unique names",
                "n.toml:19: filter.category.ut1_categories: ut1_categories only applies with format = \"ut1\"; expected format = \"ut1\" or no ut1_categories",
                "n.toml:20: filter.category.name: missing; expected a line like name = \"adult\"",
                "n.toml:22: filter.category.lists: the list is empty; expected at least one file or directory",
            ]
        )
    }
}
