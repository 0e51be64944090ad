import NetwardenTelemetry
import Testing

/// The catalogue is the one place names are spelt: these rules keep it consistent with
/// Prometheus conventions so promtool, engines and dashboards accept every family.
@Suite struct MetricCatalogTests {
    @Test func namesAreUniqueAndValid() {
        var seen = Set<String>()
        for family in MetricFamily.all {
            #expect(seen.insert(family.name).inserted, "\(family.name) declared twice")
            let valid = family.name.utf8.allSatisfy { byte in
                (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F
            }
            #expect(valid, "\(family.name) is not a lower-case Prometheus name")
            #expect(!family.help.isEmpty, "\(family.name) has no help")
        }
    }

    @Test func countersEndInTotalAndOthersDoNot() {
        for family in MetricFamily.all {
            if family.kind == .counter {
                #expect(family.name.hasSuffix("_total"), "\(family.name) is a counter")
            } else {
                #expect(!family.name.hasSuffix("_total"), "\(family.name) is a \(family.kind)")
            }
            if family.kind == .info { #expect(family.name.hasSuffix("_info"), "\(family.name) is an info family") }
        }
    }

    @Test func unitsAppearInTheName() {
        for family in MetricFamily.all where !family.unit.isEmpty {
            #expect(family.name.contains("_" + family.unit), "\(family.name) declares unit \(family.unit)")
        }
    }

    @Test func everyIssueContractSelfMetricIsDeclared() {
        for name in [
            "netwarden_spool_bytes", "netwarden_spool_records", "netwarden_spool_dropped_records_total",
            "netwarden_output_oldest_unsent_age_seconds", "netwarden_output_sent_records_total",
            "netwarden_output_retries_total", "netwarden_output_dead_letter_batches_total",
            "netwarden_output_last_success_timestamp_seconds", "probe_success", "netwarden_probe_failures_total",
        ] {
            #expect(MetricFamily.isDeclared(name), "\(name)")
        }
    }

    @Test func anUndeclaredNameStillTravelsAsAGauge() {
        let family = MetricFamily.named("netwarden_from_a_newer_version")
        #expect(family.kind == .gauge)
        #expect(!MetricFamily.isDeclared(family.name))
    }
}
