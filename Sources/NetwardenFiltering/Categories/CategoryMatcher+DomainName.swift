import NetwardenProtocols

extension CategoryMatcher {
    /// The categories of a name as the extractors yield it (inline, lowercase): no allocation.
    public func match(_ name: DomainName) -> CategoryMatch {
        name.withUnsafeBytes { match(utf8: $0) }
    }

    /// A one-category matcher over a fixed list of names, for the DoH-provider, ECH-public-name
    /// and block-page-host sets (the same suffix rule: a listed name covers its subdomains).
    /// Returns the matcher and one message per refused name.
    public static func nameSet(
        _ name: String,
        domains: [String]
    ) throws(CategoryMatcherError) -> (
        CategoryMatcher, [String]
    ) {
        var builder = try CategoryMatcherBuilder(categories: [FilterCategory(name: name, policy: .monitor)])
        var refused: [String] = []
        for domain in domains {
            if let problem = builder.add(domain: domain, category: 0) { refused.append("`\(domain)`: \(problem)") }
        }
        return (try builder.build(), refused)
    }
}
