/// The Prometheus text exposition format 0.0.4 (what `/metrics` serves).
///
/// Every family gets `# HELP` and `# TYPE` once, its series follow together, a series that
/// appears twice is written once (the last value wins) and no timestamps are written: a
/// scrape's time is the sample time, as exporters do. `promtool check metrics` is the reference
/// (an integration test runs it over the daemon's real output).
public enum PrometheusTextEncoder {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// `samples` grouped by family in the order given (the hub's `latest()` order).
    public static func encode(_ samples: [Sample]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(samples.count * 96)
        var index = 0
        while index < samples.count {
            let name = samples[index].name
            var end = index
            while end < samples.count && samples[end].name == name { end += 1 }
            let family = MetricFamily.named(name)
            if !family.help.isEmpty {
                append("# HELP ", to: &out)
                append(name, to: &out)
                out.append(0x20)
                appendEscaped(family.help, quotes: false, to: &out)
                out.append(0x0A)
            }
            append("# TYPE ", to: &out)
            append(name, to: &out)
            out.append(0x20)
            append(family.kind.exposition, to: &out)
            out.append(0x0A)
            // A series given twice is written once, where its last value appears.
            var lastIndex: [[Label]: Int] = [:]
            for position in index..<end { lastIndex[samples[position].labels.sortedByName()] = position }
            for position in index..<end where lastIndex[samples[position].labels.sortedByName()] == position {
                appendSeries(samples[position], to: &out)
            }
            index = end
        }
        return out
    }

    private static func appendSeries(_ sample: Sample, to out: inout [UInt8]) {
        append(sample.name, to: &out)
        let labels = sample.labels.filter { !$0.value.isEmpty }
        if !labels.isEmpty {
            out.append(UInt8(ascii: "{"))
            for (offset, label) in labels.enumerated() {
                if offset > 0 { out.append(UInt8(ascii: ",")) }
                append(label.name, to: &out)
                append("=\"", to: &out)
                appendEscaped(label.value, quotes: true, to: &out)
                out.append(UInt8(ascii: "\""))
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(0x20)
        append(formatValue(sample.value), to: &out)
        out.append(0x0A)
    }

    /// Go's float syntax as Prometheus parses it: integers without a fraction, NaN and ±Inf
    /// spelt as Prometheus spells them.
    public static func formatValue(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    private static func append(_ text: String, to out: inout [UInt8]) { out.append(contentsOf: text.utf8) }

    /// Backslash and newline always; double quotes in label values only (the format's rule).
    private static func appendEscaped(_ text: String, quotes: Bool, to out: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case UInt8(ascii: "\"") where quotes: out += [0x5C, 0x22]
            default: out.append(byte)
            }
        }
    }
}
