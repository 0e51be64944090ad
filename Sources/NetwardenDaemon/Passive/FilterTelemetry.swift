import NetwardenFiltering
import NetwardenInspection
import NetwardenTelemetry

/// Filter findings in the telemetry model: each `FilterEvent` becomes one event envelope, and
/// the judge's totals become counter observations.
extension FilterEvent {
    /// The envelope for this event. The judge's id (a hash of the evidence) is kept, so
    /// re-delivering or re-analysing the same traffic never duplicates it; the hub adds trust,
    /// site and gateway.
    public var draft: EventDraft {
        var attributes: [Label] = []
        if let category { attributes.append(Label("category", category)) }
        if let method { attributes.append(Label("method", method.rawValue)) }
        attributes += [
            Label("protocol", protocolName), Label("client", client), Label("server", server),
            Label("server_port", String(serverPort)), Label("suppressed", String(suppressed)),
        ]
        return EventDraft(
            id: id,
            timestampMilliseconds: timestampMilliseconds,
            kind: EventKind(kind.rawValue),
            severity: severity,
            subject: subject,
            evidence: evidence,
            attributes: attributes
        )
    }
}

extension FilterCounters {
    /// The totals as counters, series in a stable order (sorted label values) so exports diff
    /// cleanly; `common` labels (the interface) come first.
    public func observations(common: [Label] = []) -> [Observation] {
        var list = ObservationList(common: common)
        for category in leaks.keys.sorted() {
            for method in LeakMethod.allCases {
                if let count = leaks[category]?[method] {
                    list.add(.filterLeaks, count, [Label("category", category), Label("method", method.rawValue)])
                }
            }
        }
        for category in blocked.keys.sorted() {
            list.add(.filterBlocked, blocked[category]!, [Label("category", category)])
        }
        for kind in FilterEventKind.allCases where kind.isBypass {
            if let count = bypasses[kind] { list.add(.bypass, count, [Label("kind", kind.rawValue)]) }
        }
        for proto in [NameProtocol.dns, .tls, .quic, .http] {
            if let count = names[proto] { list.add(.names, count, [Label("proto", proto.rawValue)]) }
        }
        for category in categoryNames.keys.sorted() {
            list.add(.categoryNames, categoryNames[category]!, [Label("category", category)])
        }
        return list.items
    }
}
