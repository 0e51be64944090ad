import NetwardenTestSupport
import Testing

/// Compares what the collector accepted with what the daemon spooled (`SpooledSequences`):
/// the checks behind "nothing is lost, nothing arrives twice".
struct DeliveryAudit: CustomStringConvertible {
    var spooled: SpooledSequences
    var journal: IngestJournal
    /// Sequences the collector rejected for good (400): in the dead-letter file, not lost.
    var deadLettered: Set<UInt64> = []

    /// Spooled sequences that are neither at the collector, nor dead-lettered, nor still queued.
    var lost: [UInt64] {
        guard spooled.last > 0 else { return [] }
        let queued = Set(spooled.unacknowledged)
        return (1...spooled.last).filter {
            journal.accepted[$0] == nil && !deadLettered.contains($0) && !queued.contains($0)
        }
    }

    /// Sequences the daemon acknowledged that the collector never accepted (or dead-lettered).
    var acknowledgedButMissing: [UInt64] {
        guard spooled.acknowledged > 0 else { return [] }
        return (1...spooled.acknowledged).filter { journal.accepted[$0] == nil && !deadLettered.contains($0) }
    }

    /// Accepted sample ids that do not belong to this spool.
    var foreignIDs: [String] {
        journal.accepted.values.map(\.id).filter { !$0.hasPrefix("event:") && !$0.hasPrefix(spooled.idPrefix) }
    }

    var description: String {
        "spooled 1...\(spooled.last), acknowledged through \(spooled.acknowledged), "
            + "\(spooled.unacknowledged.count) still queued, \(deadLettered.count) dead-lettered; collector: "
            + journal.summary
    }

    /// Every check, as test expectations.
    func expectNothingLostOrDuplicated(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(spooled.last > 0, "nothing was spooled", sourceLocation: sourceLocation)
        #expect(lost.isEmpty, "lost \(lost.count): \(lost.prefix(20)); \(self)", sourceLocation: sourceLocation)
        #expect(
            acknowledgedButMissing.isEmpty,
            "acknowledged but never accepted: \(acknowledgedButMissing.prefix(20)); \(self)",
            sourceLocation: sourceLocation
        )
        #expect(journal.conflicts.isEmpty, "\(journal.conflicts.prefix(10))", sourceLocation: sourceLocation)
        #expect(
            journal.orderViolations.isEmpty,
            "\(journal.orderViolations.count) out of order: \(journal.orderViolations.prefix(10))",
            sourceLocation: sourceLocation
        )
        #expect(foreignIDs.isEmpty, "\(foreignIDs.prefix(10))", sourceLocation: sourceLocation)
        // Nothing the collector accepted lies beyond what was spooled.
        #expect(journal.highestAccepted <= spooled.last, "\(self)", sourceLocation: sourceLocation)
    }
}
