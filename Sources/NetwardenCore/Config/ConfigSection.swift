/// One `[section]` of netwarden.toml.
///
/// A new section (probes, capture, categories, collector) is a type conforming to this in a file
/// of its own, plus its stored property and its line in `NetwardenConfig.sections`.
public protocol ConfigSection: Sendable, Equatable {
    /// The header name, `identity` for `[identity]`.
    static var name: String { get }
    /// For a section the file must have: what it must contain, for the "missing section" error.
    /// Nil for optional sections, which then take `defaults`.
    static var requirement: String? { get }
    /// The values used when the section (or the whole file) is absent.
    static var defaults: Self { get }
    /// Decodes the section; problems go to the reader's diagnostics, never thrown.
    init(from reader: ConfigTableReader)
}

extension ConfigSection {
    public static var requirement: String? { nil }
}

/// Type-erased link between a section type and where `NetwardenConfig` stores it.
protocol ConfigSectionBinding {
    var name: String { get }
    func read(from root: ConfigTableReader, into config: inout NetwardenConfig)
}

struct SectionBinding<Section: ConfigSection>: ConfigSectionBinding {
    let keyPath: WritableKeyPath<NetwardenConfig, Section>

    init(_ keyPath: WritableKeyPath<NetwardenConfig, Section>) { self.keyPath = keyPath }

    var name: String { Section.name }

    func read(from root: ConfigTableReader, into config: inout NetwardenConfig) {
        let reader = root.table(Section.name)
        if !reader.isPresent {
            // Absent, or present but not a table (already reported by `table(_:)`).
            if let requirement = Section.requirement, root.table[Section.name] == nil {
                root.diagnostics.report(
                    .missingSection,
                    at: TOMLLocation(line: 1, column: 1),
                    key: "(file)",
                    "the [\(Section.name)] section is missing; expected \(requirement)"
                )
            }
            config[keyPath: keyPath] = Section.defaults
            return
        }
        config[keyPath: keyPath] = Section(from: reader)
        reader.finish()
    }
}
