/// `[interfaces]`: which network interfaces are the internet uplinks and which face the school.
public struct InterfacesSection: ConfigSection {
    public static let name = "interfaces"

    /// How the uplinks are chosen.
    public enum UplinkSelection: Sendable, Equatable {
        /// `uplink = "auto"`: the interface of the default route, looked up on every sample so a
        /// failover to a backup line is followed.
        case automatic
        /// Named interfaces, in the order written.
        case interfaces([String])
    }

    public var uplink: UplinkSelection
    /// Interfaces facing classrooms and Wi-Fi (may be empty).
    public var lan: [String]

    public init(uplink: UplinkSelection = .automatic, lan: [String] = []) {
        self.uplink = uplink
        self.lan = lan
    }

    public static let defaults = InterfacesSection()

    static let uplinkType = ConfigValueType<UplinkSelection> { value in
        let expected = "\"auto\" or an array of interface names like [\"eth0\"]"
        switch value.kind {
        case .string("auto"):
            return .success(.automatic)
        case .string(let text):
            return .failure(
                ConfigValueProblem(
                    .invalidValue,
                    "`\(text)` is not allowed; expected \(expected) (write [\"\(text)\"] for one interface)"
                )
            )
        case .array:
            return ConfigValueType<[String]>.strings(InterfaceName.type).decode(value).flatMap { names in
                if names.isEmpty {
                    return .failure(ConfigValueProblem(.invalidValue, "the list is empty; expected \(expected)"))
                }
                if let repeated = firstRepeat(in: names) {
                    return .failure(
                        ConfigValueProblem(.invalidValue, "`\(repeated)` is listed twice; expected each interface once")
                    )
                }
                return .success(.interfaces(names))
            }
        default:
            return .failure(.wrongType(expected: expected, found: value))
        }
    }

    static func firstRepeat(in names: [String]) -> String? {
        var seen = Set<String>()
        return names.first { !seen.insert($0).inserted }
    }

    public init(from reader: ConfigTableReader) {
        uplink = reader.value("uplink", Self.uplinkType, default: .automatic)
        lan = reader.value(
            "lan",
            ConfigValueType<[String]>.strings(InterfaceName.type).checked { names in
                Self.firstRepeat(in: names).map { "`\($0)` is listed twice; expected each interface once" }
            },
            default: []
        )
        // An interface is measured as one or the other; both would double-count its traffic.
        if case .interfaces(let uplinks) = uplink, let shared = lan.first(where: uplinks.contains) {
            reader.report(
                key: "lan",
                "`\(shared)` is also listed in uplink; expected each interface in only one of uplink and lan"
            )
        }
    }
}
