/// Collects category lists and turns them into a `CategoryMatcher`.
///
/// Reload builds a new matcher with one of these while the old matcher keeps answering, then the
/// caller swaps the reference (`ReloadableCategoryMatcher`), so lookups never see a gap or a half
/// loaded list.
///
/// Entries go straight into one flat arena of records (`length`, category-set id as two
/// little-endian bytes, the lowercase name), which the matcher sorts into its blocks: a load of
/// five million names makes no per-name allocation.
public struct CategoryMatcherBuilder {
    public let categories: [FilterCategory]
    var arena: [UInt8] = []
    var entryCount = 0
    /// Category sets by id; ids `0..<categories.count` are the single-category sets.
    var sets: [CategoryMask] = []

    public init(categories: [FilterCategory]) throws(CategoryMatcherError) {
        guard categories.count <= CategoryMask.capacity else {
            throw CategoryMatcherError(
                .tooManyCategories,
                "\(categories.count) categories; one matcher holds at most \(CategoryMask.capacity)"
            )
        }
        var names: Set<String> = []
        for category in categories where !names.insert(category.name).inserted {
            throw CategoryMatcherError(.duplicateCategory, "category `\(category.name)` is defined twice")
        }
        self.categories = categories
        sets = categories.indices.map { CategoryMask(index: $0) }
    }

    /// The index of the category called `name`.
    public func index(of name: String) throws(CategoryMatcherError) -> Int {
        guard let index = categories.firstIndex(where: { $0.name == name }) else {
            throw CategoryMatcherError(.unknownCategory, "no category called `\(name)`")
        }
        return index
    }

    /// Room for roughly `bytes` of list text, so a large load does not regrow the arena.
    public mutating func reserveCapacity(listBytes bytes: Int) {
        arena.reserveCapacity(arena.count + bytes)
    }

    /// Adds one domain (normalised the same way as list entries); the problem if it is refused.
    @discardableResult
    public mutating func add(domain: String, category: Int) -> DomainProblem? {
        precondition(categories.indices.contains(category), "category index \(category) out of range")
        var text = domain
        return text.withUTF8 { append(token: UnsafeRawBufferPointer($0), setID: UInt16(category)) }
    }

    /// Parses one list file's contents (read by the caller) into `category`.
    public mutating func addList(
        contents: UnsafeRawBufferPointer,
        fileName: String,
        format: ListFormat,
        category: Int
    ) -> ListFileReport {
        precondition(categories.indices.contains(category), "category index \(category) out of range")
        var report = ListFileReport(fileName: fileName, category: categories[category].name, format: format)
        var parser = DomainListParser(format: format, setID: UInt16(category))
        parser.parse(contents, into: &self, report: &report)
        return report
    }

    /// `addList` over an array of bytes.
    public mutating func addList(
        contents: [UInt8],
        fileName: String,
        format: ListFormat,
        category: Int
    )
        -> ListFileReport
    {
        contents.withUnsafeBytes { addList(contents: $0, fileName: fileName, format: format, category: category) }
    }

    /// Builds the matcher; the builder is used up.
    public consuming func build() throws(CategoryMatcherError) -> CategoryMatcher {
        try build(bucketCount: nil)
    }

    /// `build()` with a forced number of buckets, for tests that need many names in one block.
    consuming func build(bucketCount: Int?) throws(CategoryMatcherError) -> CategoryMatcher {
        try CategoryMatcher(
            building: arena,
            entries: entryCount,
            sets: sets,
            categories: categories,
            bucketCount: bucketCount
        )
    }

    /// Validates and lowercases one name, writing it as an arena record; nothing is written when
    /// it is refused.
    ///
    /// Lenient where real lists are: `_` (service names), leading or trailing `-` and all-digit
    /// labels are accepted, since refusing them would only drop entries the list author meant.
    /// `*.example.com` and `.example.com` are taken as `example.com`: every entry already covers
    /// its subdomains.
    mutating func append(token: UnsafeRawBufferPointer, setID: UInt16) -> DomainProblem? {
        var start = 0
        var end = token.count
        if end >= 2, token[0] == UInt8(ascii: "*"), token[1] == UInt8(ascii: ".") {
            start = 2
        } else if end > 0, token[0] == UInt8(ascii: ".") {
            start = 1
        }
        if end > start, token[end - 1] == UInt8(ascii: ".") { end -= 1 }
        let length = end - start
        if length == 0 { return .empty }
        if length > 253 { return .tooLong(length) }

        let recordStart = arena.count
        arena.append(UInt8(length))
        arena.append(UInt8(truncatingIfNeeded: setID))
        arena.append(UInt8(truncatingIfNeeded: setID >> 8))
        var labelLength = 0
        var labels = 1
        var problem: DomainProblem?
        var index = start
        while index < end {
            var byte = token[index]
            index += 1
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"):
                break
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                byte |= 0x20
            case UInt8(ascii: "."):
                if labelLength == 0 {
                    problem = .emptyLabel
                    break
                }
                labels += 1
                labelLength = 0
                arena.append(byte)
                continue
            case 0x80...:
                problem = .notPunycode
            default:
                problem = .invalidCharacter(byte)
            }
            if problem != nil { break }
            labelLength += 1
            if labelLength > 63 {
                var full = labelLength
                while index < end, token[index] != UInt8(ascii: ".") {
                    full += 1
                    index += 1
                }
                problem = .labelTooLong(full)
                break
            }
            arena.append(byte)
        }
        if problem == nil {
            if labelLength == 0 {
                problem = .emptyLabel
            } else if labels == 1 {
                problem = .singleLabel
            }
        }
        if let problem {
            arena.removeSubrange(recordStart...)
            return problem
        }
        entryCount += 1
        return nil
    }
}
