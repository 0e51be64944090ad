import NetwardenCore
import NetwardenProtocols

/// Whether the school's resolver enforces a search engine's safe mode: the public name must be a
/// CNAME for the enforced name, or answer only the enforced name's addresses, for A **and** AAAA
/// (an unrewritten AAAA lets every IPv6 client search unfiltered). Both are resolved at run time
/// through the same resolver; no address is written down anywhere.
public enum SafeSearchJudge {
    public static func check(
        _ target: FilterTestsSection.SafeSearch,
        control: FilterTestSuite.Control,
        transport: any FilterTestTransport,
        from vantage: FilterTestsSection.Vantage
    ) -> FilterCheckResult {
        var result = FilterCheckResult(
            name: target.name,
            kind: .safeSearch,
            category: "safe_search",
            vantage: vantage.name,
            expect: "enforced",
            status: .inconclusive,
            target: target.host
        )
        var verdicts: [Bool] = []
        for ipv6 in [false, true] {
            let type = ipv6 ? "AAAA" : "A"
            let lookup = transport.resolve(target.host, ipv6: ipv6, from: vantage)
            guard let rcode = lookup.rcode, rcode == "NOERROR" || rcode == "NXDOMAIN" else {
                result.evidence.append(
                    "\(type) \(target.host): no usable answer (\(lookup.failure ?? lookup.rcode ?? "none"))"
                )
                return finish(&result, control: control, verdicts: nil)
            }
            let enforcedNames = Set(target.enforced.map(normalised))
            if let cname = lookup.cnames.first(where: { enforcedNames.contains(normalised($0)) }) {
                result.evidence.append("\(type) \(target.host): CNAME \(cname) (enforced)")
                verdicts.append(true)
                continue
            }
            if lookup.addresses.isEmpty {
                result.evidence.append("\(type) \(target.host): no \(type) records, nothing to leak")
                verdicts.append(true)
                continue
            }
            var enforcedAddresses: Set<IPAddress> = []
            for name in target.enforced {
                let enforced = transport.resolve(name, ipv6: ipv6, from: vantage)
                guard enforced.rcode != nil else {
                    result.evidence.append("\(type) \(name): no answer (\(enforced.failure ?? "none"))")
                    return finish(&result, control: control, verdicts: nil)
                }
                enforcedAddresses.formUnion(enforced.addresses.compactMap { IPAddress(text: $0) })
            }
            let answered = lookup.addresses.compactMap { IPAddress(text: $0) }
            let listed = lookup.addresses.joined(separator: ", ")
            if !answered.isEmpty, answered.allSatisfy(enforcedAddresses.contains) {
                result.evidence.append("\(type) \(target.host): \(listed), the enforced addresses (enforced)")
                verdicts.append(true)
            } else if enforcedAddresses.isEmpty {
                result.evidence.append(
                    "\(type) \(target.host): \(listed), but \(target.enforced.joined(separator: "/")) has no \(type) "
                        + "records: NOT enforced over \(ipv6 ? "IPv6" : "IPv4")"
                )
                verdicts.append(false)
            } else {
                result.evidence.append(
                    "\(type) \(target.host): \(listed), not the enforced name's addresses "
                        + "(\(enforcedAddresses.map(\.description).sorted().joined(separator: ", "))): NOT enforced"
                )
                verdicts.append(false)
            }
        }
        return finish(&result, control: control, verdicts: verdicts)
    }

    private static func finish(
        _ result: inout FilterCheckResult,
        control: FilterTestSuite.Control,
        verdicts: [Bool]?
    ) -> FilterCheckResult {
        guard control.works else {
            result.evidence.append(control.evidence + "; inconclusive, never a pass")
            result.status = .inconclusive
            return result
        }
        guard let verdicts else {
            result.status = .inconclusive
            return result
        }
        if verdicts.allSatisfy({ $0 }) {
            result.status = .pass
        } else {
            result.status = .fail
            result.blockedBy = nil
        }
        return result
    }

    private static func normalised(_ name: String) -> String {
        let lowered = name.lowercased()
        return lowered.hasSuffix(".") ? String(lowered.dropLast()) : lowered
    }
}
