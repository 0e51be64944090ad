// Pre-fills a spool with a backlog shaped like a gateway's after an uplink outage, for the drain
// benchmark (Benchmarks/delivery/run, not CI): what the daemon would have spooled while its
// remote write output "vm" could not deliver.
//
// The shape is a large school's: 50 producers publishing every 30 s, staggered across the
// interval, each publish one `SampleGroup` as the hub makes it (4 interfaces with the link
// families, 12 ICMP, 16 HTTP, 12 DNS and 6 TCP probes with the probe families and their
// labels), about 10 samples a group and some 720 series. Going backwards from `END-MS`, that is
// about 16.5 hours of history for a million samples: inside VictoriaMetrics' default one-month
// retention and the spool's 8-day age cap. The last group is cut short so the backlog holds
// exactly the samples asked for.
//
// Usage: delivery-prefill SPOOL-DIRECTORY [SAMPLES] [END-MS] [TRUST SITE GATEWAY]
// Prints: samples, groups, series, first and last timestamp (ms), spool bytes.
import Glibc
import NetwardenSpool
import NetwardenTelemetry

let arguments = CommandLine.arguments
guard arguments.count > 1 else {
    print("usage: delivery-prefill SPOOL-DIRECTORY [SAMPLES] [END-MS] [TRUST SITE GATEWAY]")
    exit(2)
}
let directory = arguments[1]
let total = arguments.count > 2 ? Int(arguments[2]) ?? 1_000_000 : 1_000_000
let end = arguments.count > 3 ? Int64(arguments[3]) ?? 0 : 0
let identity =
    arguments.count > 6
    ? AgentIdentity(trust: arguments[4], site: arguments[5], gateway: arguments[6])
    : AgentIdentity(trust: "oak-trust", site: "oak-primary", gateway: "gw1")
let interval: Int64 = 30_000

/// One producer of the school: what it publishes at step `step` (deterministic, so runs compare).
struct Producer {
    enum Kind { case link, icmp, http, dns, tcp }
    var kind: Kind
    var index: Int

    var labels: [Label] {
        switch kind {
        case .link:
            let names = ["eth0", "eth1", "eth2", "wlan0"]
            return [Label("interface", names[index]), Label("role", index == 0 ? "uplink" : "lan")]
        case .icmp: return probe("icmp", "gw-\(index).edge.oak.example.net")
        case .http: return probe("http", "https://site-\(index).example.org/")
        case .dns: return probe("dns", "www.site-\(index).example.org")
        case .tcp: return probe("tcp", "mail-\(index).example.org:443")
        }
    }

    private func probe(_ kind: String, _ target: String) -> [Label] {
        [Label("probe", "\(kind)-\(index)"), Label("kind", kind), Label("target", target)]
    }

    func observations(step: Int) -> [Observation] {
        // A little movement in every value, as real measurements have.
        let wobble = Double((step &* 7919 &+ index &* 104_729) % 1000) / 1000
        var list = ObservationList(common: labels)
        switch kind {
        case .link:
            let seconds = Double(step) * 30
            list.add(.linkUp, true)
            list.add(.linkCarrier, true)
            list.add(.linkSpeed, 125_000_000.0)
            list.add(.linkMTU, 1500)
            list.add(.linkCarrierChanges, 2.0)
            list.add(.linkReceiveBytes, seconds * 2_500_000 * (1 + wobble / 10))
            list.add(.linkTransmitBytes, seconds * 400_000 * (1 + wobble / 10))
            list.add(.linkReceivePackets, seconds * 2_100)
            list.add(.linkTransmitPackets, seconds * 900)
            list.add(.linkReceiveErrors, 0.0)
            list.add(.linkTransmitErrors, 0.0)
            list.add(.linkReceiveDrop, Double(step / 100))
            list.add(.linkTransmitDrop, 0.0)
        case .icmp:
            let rtt = 0.004 + wobble * 0.002
            list.add(.probeSuccess, true)
            list.add(.probeDuration, rtt * 5 + 0.001)
            list.add(.icmpSent, 5)
            list.add(.icmpReceived, 5)
            list.add(.icmpLossRatio, 0.0)
            list.add(.icmpDuplicates, 0)
            list.add(.icmpReordered, 0)
            for (stat, factor) in [("min", 0.9), ("avg", 1.0), ("median", 1.0), ("max", 1.2), ("stddev", 0.05)] {
                list.add(.icmpRTT, rtt * factor, [Label("stat", stat)])
            }
            list.add(.icmpJitter, rtt * 0.03)
            list.add(.icmpReplyHopLimit, 57)
        case .http:
            list.add(.probeSuccess, true)
            list.add(.probeDuration, 0.12 + wobble * 0.05)
            for (phase, seconds) in [
                ("resolve", 0.004), ("connect", 0.011), ("tls", 0.032), ("processing", 0.06 + wobble * 0.05),
                ("transfer", 0.003),
            ] {
                list.add(.httpDuration, seconds, [Label("phase", phase)])
            }
            list.add(.httpStatusCode, 200)
            list.add(.httpRedirects, 1)
            list.add(.httpContentLength, 48_213.0)
            list.add(.httpSSL, true)
            list.add(.tlsVersionInfo, 1, [Label("version", "TLS 1.3")])
            list.add(.sslEarliestCertExpiry, 1_790_000_000.0)
        case .dns:
            list.add(.probeSuccess, true)
            list.add(.probeDuration, 0.008 + wobble * 0.004)
            list.add(.dnsLookupTime, 0.007 + wobble * 0.004)
            list.add(.dnsRcode, 1, [Label("rcode", "NOERROR")])
            list.add(.dnsAnswerRRs, 2)
        case .tcp:
            list.add(.probeSuccess, true)
            list.add(.probeDuration, 0.012 + wobble * 0.004)
            list.add(.tcpConnect, 0.011 + wobble * 0.004)
        }
        return list.items
    }
}

var producers: [Producer] = []
for (kind, count) in [(Producer.Kind.link, 4), (.icmp, 12), (.http, 16), (.dns, 12), (.tcp, 6)] {
    producers += (0..<count).map { Producer(kind: kind, index: $0) }
}
let samplesPerStep = producers.reduce(0) { $0 + $1.observations(step: 0).count }
let steps = (total + samplesPerStep - 1) / samplesPerStep
var now = timespec()
clock_gettime(CLOCK_REALTIME, &now)
let last = end > 0 ? end : Int64(now.tv_sec) * 1000 - 120_000
let first = last - Int64(steps - 1) * interval - interval / Int64(producers.count) * Int64(producers.count - 1)

let spool = try Spool.open(
    SpoolConfiguration(directory: directory, maxBytes: 1 << 30, maxAge: .seconds(8 * 86_400)),
    nowMilliseconds: last
)
// The output existed (and was failing) while this was spooled, so the spool kept it for "vm".
spool.register(consumer: "vm")
var written = 0
var groups = 0
var series: Set<[Label]> = []
var newest: Int64 = 0
steps: for step in 0..<steps {
    for (position, producer) in producers.enumerated() {
        let remaining = total - written
        if remaining == 0 { break steps }
        let timestamp = first + Int64(step) * interval + interval / Int64(producers.count) * Int64(position)
        let observations = Array(producer.observations(step: step).prefix(remaining))
        if step == 0 {
            for observation in observations { series.insert([Label("", observation.family.name)] + observation.labels) }
        }
        let record = TelemetryRecord.samples(
            SampleGroup(timestampMilliseconds: timestamp, identity: identity, observations: observations)
        )
        let result = spool.append([TelemetryRecordCodec.encode(record)], timestampMilliseconds: timestamp)
        precondition(result.droppedCount == 0, "dropped: \(result.dropped)")
        written += observations.count
        groups += 1
        newest = timestamp
        if groups % 10_000 == 0 { spool.sync() }
    }
}
spool.sync()
let bytes = spool.statistics.bytes
spool.close()
print(
    "samples \(written) groups \(groups) series \(series.count) first_ms \(first) last_ms \(newest) spool_bytes \(bytes)"
)
