import Foundation

/// What a `FaultyCollector` received, request by request, and the delivery facts a test checks:
/// which spool sequences were accepted, how many were resent, whether any two different records
/// shared an id, and whether every series' timestamps arrived in order.
///
/// A record's spool sequence comes from the batch header (`batch` is the last record's
/// sequence and the records are consecutive), so events, whose lines carry the event's own id,
/// are accounted for too; for samples the sequence is cross-checked against the id's suffix.
public struct IngestJournal: Sendable {
    /// One record line of a batch.
    public struct Record: Sendable, Hashable {
        public var sequence: UInt64
        /// The samples line's spool record id, or `event:<event id>`.
        public var id: String
        public var timestampMilliseconds: Int64
        /// `name{labels as sorted JSON}` of each sample.
        public var series: [String]
        /// A hash of the line's bytes: a resend is byte-identical, a different record is not.
        public var digest: String
    }

    /// One POST as the collector saw it.
    public struct Request: Sendable {
        public var number: Int
        /// Unix time in seconds at arrival.
        public var arrival: Double
        public var status: Int
        /// The header's `batch` (last sequence) and `records`; 0 when the body did not decode.
        public var batch: UInt64
        public var count: Int
        public var records: [Record]
        /// Why the body did not decode, if it did not.
        public var error: String?

        public var accepted: Bool { (200..<300).contains(status) }
    }

    public private(set) var requests: [Request] = []
    /// The first accepted copy of each sequence.
    public private(set) var accepted: [UInt64: Record] = [:]
    /// Accepted records whose sequence had been accepted before (resends).
    public private(set) var duplicates = 0
    /// Problems a correct sender never causes: the same sequence with different bytes, a sample
    /// id that does not match its position, a batch header that disagrees with its lines.
    public private(set) var conflicts: [String] = []
    /// A series whose timestamp did not increase, in first-arrival order.
    public private(set) var orderViolations: [String] = []

    public init(text: String) {
        var lastTimestamp: [String: Int64] = [:]
        for line in text.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                continue  // a line being written right now
            }
            let records = (object["records"] as? [[String: Any]] ?? []).map { item in
                Record(
                    sequence: UInt64(item["seq"] as? Int ?? 0),
                    id: item["id"] as? String ?? "",
                    timestampMilliseconds: Int64(item["ts"] as? Int ?? 0),
                    series: item["series"] as? [String] ?? [],
                    digest: item["digest"] as? String ?? ""
                )
            }
            let request = Request(
                number: object["n"] as? Int ?? 0,
                arrival: object["t"] as? Double ?? 0,
                status: object["status"] as? Int ?? 0,
                batch: UInt64(object["batch"] as? Int ?? 0),
                count: object["count"] as? Int ?? 0,
                records: records,
                error: object["error"] as? String
            )
            requests.append(request)
            if let error = request.error { conflicts.append("request \(request.number) did not decode: \(error)") }
            if request.count != records.count {
                conflicts.append(
                    "request \(request.number): header says \(request.count) records, body has \(records.count)"
                )
            }
            guard request.accepted else { continue }
            for record in records {
                if let dash = record.id.lastIndex(of: "-"), !record.id.hasPrefix("event:"),
                    UInt64(record.id[record.id.index(after: dash)...]) != record.sequence
                {
                    conflicts.append("record \(record.id) arrived at sequence \(record.sequence)")
                }
                if let first = accepted[record.sequence] {
                    duplicates += 1
                    if first.digest != record.digest {
                        conflicts.append("sequence \(record.sequence) arrived as two different records")
                    }
                    continue
                }
                accepted[record.sequence] = record
                for series in record.series {
                    if let previous = lastTimestamp[series], previous >= record.timestampMilliseconds {
                        orderViolations.append(
                            "\(series): \(record.timestampMilliseconds) after \(previous) (sequence \(record.sequence))"
                        )
                    }
                    lastTimestamp[series] = record.timestampMilliseconds
                }
            }
        }
    }

    /// Requests answered with `status`.
    public func requests(status: Int) -> [Request] { requests.filter { $0.status == status } }

    /// The spool sequences in `range` that were never accepted.
    public func missing(_ range: ClosedRange<UInt64>) -> [UInt64] { range.filter { accepted[$0] == nil } }

    /// The highest accepted sequence (0 when none).
    public var highestAccepted: UInt64 { accepted.keys.max() ?? 0 }

    /// Sample records (not events) among the accepted ones.
    public var acceptedSamples: Int { accepted.values.filter { !$0.id.hasPrefix("event:") }.count }

    /// One line for test messages.
    public var summary: String {
        let statuses = Dictionary(grouping: requests, by: \.status).mapValues(\.count).sorted { $0.key < $1.key }
        return
            "\(requests.count) requests (status: count \(statuses.map { "\($0.key): \($0.value)" }.joined(separator: ", "))), "
            + "\(accepted.count) records accepted up to sequence \(highestAccepted), \(duplicates) resent, "
            + "\(conflicts.count) conflicts, \(orderViolations.count) order violations"
    }
}
