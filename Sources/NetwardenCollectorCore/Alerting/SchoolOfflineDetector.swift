/// The collector's own alert: a school that has stopped sending. The gateway cannot report its
/// own silence, so only the collector can notice it; it fires after `offline_after_seconds`
/// without ingest and resolves when data arrives again.
public struct SchoolOfflineDetector: Sendable {
    public static let alertName = "school_offline"

    /// A school, as grouping and inhibition see it.
    public struct School: Sendable, Hashable, Comparable {
        public var trust: String
        public var site: String

        public init(trust: String, site: String) {
            self.trust = trust
            self.site = site
        }

        public static func < (lhs: School, rhs: School) -> Bool { (lhs.trust, lhs.site) < (rhs.trust, rhs.site) }
    }

    let offlineAfter: Int64
    /// Newest ingest per school.
    private(set) var lastContact: [School: Int64] = [:]
    /// Schools whose alert fires, with the contact time it was judged from.
    private(set) var offline: [School: Int64] = [:]
    /// The first tick: a collector that was itself down must not page for every school at once,
    /// so silence is counted from the later of the last contact and the collector's start.
    private var startedAt: Int64?

    init(offlineAfter: Int64) { self.offlineAfter = offlineAfter }

    /// Records ingest from a school; returns the resolution when it was offline.
    mutating func contact(_ school: School, at time: Int64) -> AlertInput? {
        let previous = lastContact[school] ?? .min
        guard time > previous else { return nil }
        lastContact[school] = time
        guard let since = offline[school], time > since else { return nil }
        offline[school] = nil
        return input(school, firing: false, evidence: "data arrived again", at: time, since: since)
    }

    /// The schools that have gone silent by `now`, as firing alerts.
    mutating func check(now: Int64) -> [AlertInput] {
        if startedAt == nil { startedAt = now }
        var fired: [AlertInput] = []
        for (school, last) in lastContact.sorted(by: { $0.key < $1.key }) where offline[school] == nil {
            let from = max(last, startedAt ?? now)
            guard now - from >= offlineAfter else { continue }
            offline[school] = last
            let evidence =
                "no data from the school for over \(offlineAfter / 1000) s (last contact \(CivilDate.rfc3339(milliseconds: last)))"
            fired.append(input(school, firing: true, evidence: evidence, at: now, since: from + offlineAfter))
        }
        return fired
    }

    private func input(_ school: School, firing: Bool, evidence: String, at time: Int64, since: Int64) -> AlertInput {
        AlertInput(
            trust: school.trust,
            site: school.site,
            gateway: "",
            alertname: Self.alertName,
            firing: firing,
            severity: "critical",
            evidence: evidence,
            startsAt: since,
            eventTime: time,
            receivedAt: time
        )
    }
}
