import Foundation
import NetwardenRemoteWrite
import NetwardenTestSupport
import Testing

/// Google's own protobuf implementation reads our bytes with the published schema (minimal copies
/// in Fixtures/) and prints exactly the labels, values and timestamps we meant.
@Suite(.enabled(if: protoc.isInstalled, "needs \(protoc)"), .timeLimit(.minutes(1)))
struct RemoteWriteProtocTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        .path

    func protocDecode(_ bytes: [UInt8]) async throws -> String {
        try await Command(
            ["protoc", "-I", Self.fixtures, "--decode=prometheus.WriteRequest", "remote.proto"],
            standardInput: bytes
        ).run().standardOutputText
    }

    @Test func protocReadsSeriesAndMetadata() async throws {
        var encoder = RemoteWriteEncoder()
        try encoder.append(
            labels: [
                ("target", "dns"), ("__name__", "probe_success"), ("site", "north"), ("school", "caf\u{E9} \u{1F3EB}"),
                ("empty", ""),
            ],
            samples: [
                (1, 1_700_000_000_000), (0.5, 1_700_000_015_000), (RemoteWriteStaleMarker.value, 1_700_000_030_000),
            ]
        )
        try encoder.append(
            labels: [("__name__", "netwarden_uplink_loss_ratio")],
            samples: [(.infinity, -1), (-.infinity, 0)]
        )
        encoder.append(
            RemoteWriteMetadata(
                type: .counter,
                metricFamilyName: "netwarden_leaks_total",
                help: "Leaks \"seen\"",
                unit: ""
            )
        )
        encoder.append(RemoteWriteMetadata(type: .info, metricFamilyName: "netwarden_build", help: "", unit: "seconds"))
        // protoc prints non-ASCII string bytes as octal escapes and any NaN as `nan`; the NaN's
        // exact bits are checked in RemoteWriteEncoderTests. proto3 does not track presence, so
        // protoc leaves out the zero timestamp although the encoder writes it.
        let expected = """
            timeseries {
              labels {
                name: "__name__"
                value: "probe_success"
              }
              labels {
                name: "school"
                value: "caf\\303\\251 \\360\\237\\217\\253"
              }
              labels {
                name: "site"
                value: "north"
              }
              labels {
                name: "target"
                value: "dns"
              }
              samples {
                value: 1
                timestamp: 1700000000000
              }
              samples {
                value: 0.5
                timestamp: 1700000015000
              }
              samples {
                value: nan
                timestamp: 1700000030000
              }
            }
            timeseries {
              labels {
                name: "__name__"
                value: "netwarden_uplink_loss_ratio"
              }
              samples {
                value: inf
                timestamp: -1
              }
              samples {
                value: -inf
              }
            }
            metadata {
              type: COUNTER
              metric_family_name: "netwarden_leaks_total"
              help: "Leaks \\"seen\\""
            }
            metadata {
              type: INFO
              metric_family_name: "netwarden_build"
              unit: "seconds"
            }

            """
        let printed = try await protocDecode(encoder.finish())
        #expect(printed == expected, "protoc printed:\n\(printed)")
    }

    @Test func protocReadsLongLabels() async throws {
        let value = String(repeating: "x", count: 100_000)
        var encoder = RemoteWriteEncoder()
        try encoder.append(labels: [("__name__", "long"), ("v", value)], value: 2, timestampMilliseconds: 3)
        let text = try await protocDecode(encoder.finish())
        #expect(text.contains("    value: \"\(value)\"\n"))
        #expect(text.hasSuffix("  samples {\n    value: 2\n    timestamp: 3\n  }\n}\n"))
    }

    @Test func emptyRequestIsAnEmptyMessage() async throws {
        // Command gives an empty input as /dev/null on stdin: zero bytes, the empty message.
        #expect(try await protocDecode(RemoteWriteEncoder().finish()) == "")
    }
}

let protoc = LabProgram("protoc", debianPackage: "protobuf-compiler")
