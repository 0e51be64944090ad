// swift-tools-version: 6.2
//
// netwarden: school gateway health and filter-compliance daemon.
//
// Module layers (C only at the edge, a pure core in the middle):
//
//   CPcap, CCurl              system-library module maps (+ one shim header for curl's variadics)
//   CSnappy, CZlib            system-library module maps (+ zlib's init macros as functions)
//   CCaptureReadAhead         C: a stdio stream whose file is read ahead on a thread of its own
//                             (fopencookie), so `analyze` reads and inspects on two cores
//   CQUICCrypto               C: QUIC Initial key derivation and packet opening over libcrypto
//                             (already loaded for libcurl's TLS), without swift-crypto's per-call
//                             objects and copies on the per-flow path
//   NetwardenCapture          edge: the only module that imports CPcap
//   NetwardenHTTP             edge: the only module that imports CCurl
//   NetwardenCompression      edge: the only module that imports CSnappy and CZlib (snappy block
//                             for remote write, gzip for Loki push; bounded decompression)
//   NetwardenPlatform         edge: Linux syscalls (sd_notify socket, sysfs, clocks, hostname)
//   NetwardenSpool            edge: the crash-safe on-disk queue between telemetry and uploaders
//                             (segment files, fsync, flock); record format and cap policy are
//                             pure files inside it, so no other module needs Glibc for them
//   NetwardenMetricsEndpoint  edge: the local Prometheus `/metrics` HTTP endpoint; the only module
//                             that imports swift-nio
//   NetwardenCore             pure: config language and schema, log formatting, events, metrics;
//                             no Glibc, no C libraries, no I/O
//   NetwardenTelemetry        pure: the one model of what the daemon reports (metric families,
//                             series keys, the event envelope, identity), the hub every producer
//                             publishes through, and the encoders sinks share (/metrics text,
//                             spool records, JSON lines)
//   NetwardenAlerts           pure: alert rules and the clock-driven state machine that turns samples
//                             and events into firing/resolved alerts (hysteresis, absence, events)
//   NetwardenDelivery         pure: getting spooled records to each output: the uploader (retry,
//                             backoff, order, 413 splitting, dead letters) over injected queue,
//                             transport and clocks, and the Loki and collector encoders
//   NetwardenProtocols        pure: zero-copy wire decoding (link/IP/TCP/UDP, DNS, TLS, QUIC, HTTP);
//                             its only C is CQUICCrypto's packet protection
//                             shared by passive capture and active probes
//   NetwardenInspection       pure: flow table and per-flow inspection turning packets into name,
//                             outcome and flow events (the passive engine, shared by live capture
//                             and `netwarden analyze`)
//   NetwardenRemoteWrite      pure: Prometheus remote write 1.0 protobuf, hand-written straight
//                             into one byte buffer (encoder, and a decoder for tests and receivers)
//   NetwardenCompliance       pure: the hash-chained compliance record format (seal, verify), shared
//                             by the daemon's log and the collector's evidence export
//   NetwardenFiltering        pure: category lists and matching, leak/blocked/bypass judgement,
//                             client pseudonymisation, filter events with evidence
//   NetwardenDaemon           services, config store, reload, watchdog, logging bootstrap
//   netwarden                 the CLI executable (argument parsing only; calls into NetwardenDaemon)
//   NetwardenTestSupport      lab namespaces, notify-socket listener, process runner for tests
//                             (on swift-subprocess; CLabNamespace wraps setns for lab threads)
//   netwarden-spool-stress    test-only child that appends until kill -9 (crash-safety test)
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    // Swift 6 language mode gives complete strict-concurrency checking.
    .swiftLanguageMode(.v6),
    // `any P` spelled out: existential cost is visible at the use site.
    .enableUpcomingFeature("ExistentialAny"),
    // A file sees only the modules it imports itself; keeps the layering honest.
    .enableUpcomingFeature("MemberImportVisibility"),
    // Warnings are defects here (our targets only; dependencies are not affected).
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "netwarden",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "netwarden", targets: ["netwarden"]),
        .executable(name: "netwarden-collector", targets: ["netwarden-collector"]),
        // Exported only so the fuzz package (Fuzz/Package.swift) can depend on the parsers and decoders.
        .library(name: "NetwardenProtocols", targets: ["NetwardenProtocols"]),
        .library(name: "NetwardenCore", targets: ["NetwardenCore"]),
        .library(name: "NetwardenRemoteWrite", targets: ["NetwardenRemoteWrite"]),
        .library(name: "NetwardenCompression", targets: ["NetwardenCompression"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // QUIC Initial decryption (HKDF, AES-GCM, ChaCha20) and the AES block function for header
        // protection; also the keyed hash that pseudonymises client addresses.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        // The local /metrics endpoint: a maintained HTTP/1 parser with header limits, instead of a
        // hand-written one facing whatever connects to the port.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        // The collector only (never linked by the daemon): HTTP server, its auth helpers, and
        // SQLite storage.
        // No traits: swift-configuration support is not used (the collector reads its own TOML).
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", exact: "2.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        // Named only because the collector's server module imports their types directly
        // (HTTPFields, TLSConfiguration); Hummingbird already depends on both.
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.2"),
        // Test support only (never linked by a product): the one process runner behind `Command`
        // and `BackgroundProcess` (process groups, teardown sequences, reaping, pipes read to the
        // end even when a grandchild keeps them open). No traits: it needs no Foundation.
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", exact: "1.0.2", traits: []),
        // Its FilePath and FileDescriptor types, which swift-subprocess's API takes.
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
    ],
    targets: [
        // MARK: C edge
        .systemLibrary(
            name: "CPcap",
            pkgConfig: "libpcap",
            providers: [.apt(["libpcap-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CSnappy",
            pkgConfig: "snappy",
            providers: [.apt(["libsnappy-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "CCaptureReadAhead"),
        .target(name: "CQUICCrypto", linkerSettings: [.linkedLibrary("crypto")]),
        .target(
            name: "NetwardenCapture",
            dependencies: [
                "CPcap", "CCaptureReadAhead", "NetwardenCore", "NetwardenProtocols", "NetwardenInspection",
                // DetachedThread: the capture loop runs on a pthread of its own, without Foundation.
                "NetwardenPlatform",
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NetwardenHTTP",
            dependencies: ["CCurl", "NetwardenCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NetwardenCompression",
            dependencies: ["CSnappy", "CZlib"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NetwardenPlatform",
            dependencies: ["NetwardenCore", "NetwardenProtocols"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NetwardenSpool",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NetwardenMetricsEndpoint",
            dependencies: [
                // ListenAddress: the config validates `[metrics] listen` with the same parser.
                "NetwardenCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: pure core
        .target(
            name: "NetwardenCore",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NetwardenTelemetry",
            dependencies: ["NetwardenCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NetwardenAlerts",
            dependencies: ["NetwardenCore", "NetwardenTelemetry"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NetwardenDelivery",
            dependencies: [
                "NetwardenCore", "NetwardenTelemetry", "NetwardenRemoteWrite",
                // The collector ingest API's constants, shared with the collector.
                "NetwardenWire",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NetwardenProtocols",
            dependencies: ["CQUICCrypto"],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "NetwardenInspection",
            dependencies: ["NetwardenProtocols"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NetwardenRemoteWrite",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NetwardenCompliance",
            dependencies: ["NetwardenCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NetwardenFiltering",
            dependencies: [
                "NetwardenCore", "NetwardenInspection", "NetwardenProtocols", "NetwardenCompliance",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: daemon and CLI
        .target(
            name: "NetwardenDaemon",
            dependencies: [
                "NetwardenCore",
                "NetwardenTelemetry",
                "NetwardenAlerts",
                "NetwardenDelivery",
                "NetwardenSpool",
                "NetwardenMetricsEndpoint",
                "NetwardenRemoteWrite",
                "NetwardenCompression",
                "NetwardenProtocols",
                "NetwardenInspection",
                "NetwardenFiltering",
                "NetwardenCompliance",
                "NetwardenPlatform",
                "NetwardenCapture",
                "NetwardenHTTP",
                "NetwardenWire",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "netwarden",
            dependencies: [
                "NetwardenDaemon",
                "NetwardenCore",
                "NetwardenPlatform",
                "NetwardenCapture",
                "NetwardenHTTP",
                "NetwardenInspection",
                "NetwardenFiltering",
                "NetwardenProtocols",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings,
            // The daemon's relocations packed (DT_RELR, glibc 2.36+; lld, shipped with the
            // toolchain, writes them, gold does not): about 36,000 relative relocations shrink
            // from 900 KiB of `.rela.dyn`, read whole at every start and resident for the
            // daemon's life, to 10 KiB (Benchmarks/idle).
            linkerSettings: [.unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"])]
        ),

        // MARK: collector (its own stack; the daemon shares only NetwardenWire with it)
        .target(
            name: "NetwardenWire",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NetwardenCollectorCore",
            dependencies: [
                "NetwardenWire",
                // Verifies the compliance records' hash chain with the daemon's own code.
                "NetwardenCompliance",
                // The daemon's config language: same TOML parser, same `FILE:LINE: key: message`.
                "NetwardenCore",
                "NetwardenCompression",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NetwardenCollectorServer",
            dependencies: [
                "NetwardenCollectorCore",
                "NetwardenWire",
                "NetwardenCore",
                // Alert notifications go out over the product's one HTTP/SMTP client (libcurl).
                "NetwardenHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "netwarden-collector",
            dependencies: [
                "NetwardenCollectorServer",
                "NetwardenCollectorCore",
                "NetwardenCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: tests
        // setns(2) for lab threads: glibc declares it only under _GNU_SOURCE, which Swift's Glibc
        // module is built without, so a C file defines the macro and wraps the call.
        .target(name: "CLabNamespace"),
        .target(
            name: "NetwardenTestSupport",
            dependencies: [
                "CLabNamespace",
                "NetwardenCore",
                // ManualWallClock and the in-memory sink implement the telemetry protocols.
                "NetwardenTelemetry",
                // PacketBuilder speaks in the decoder's own types (IPAddress, LinkType).
                "NetwardenProtocols",
                "NetwardenPlatform",
                // The test-side QUIC Initial encoder seals packets with swift-crypto: an
                // implementation independent of the engine's libcrypto opener.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NetwardenCoreTests",
            dependencies: ["NetwardenCore", "NetwardenTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NetwardenTelemetryTests",
            dependencies: ["NetwardenTelemetry", "NetwardenCore", "NetwardenTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NetwardenAlertsTests",
            dependencies: ["NetwardenAlerts", "NetwardenTelemetry", "NetwardenCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NetwardenDeliveryTests",
            dependencies: [
                "NetwardenDelivery", "NetwardenTelemetry", "NetwardenCore", "NetwardenTestSupport",
                // The reference decoder reads remote write bodies back.
                "NetwardenRemoteWrite",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NetwardenProtocolsTests",
            dependencies: ["NetwardenProtocols", "NetwardenTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NetwardenCompressionTests",
            dependencies: ["NetwardenCompression", "NetwardenTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NetwardenRemoteWriteTests",
            dependencies: ["NetwardenRemoteWrite", "NetwardenCompression", "NetwardenTestSupport"],
            // remote.proto/types.proto are read by protoc at test time, not built.
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NetwardenInspectionTests",
            dependencies: ["NetwardenInspection", "NetwardenProtocols", "NetwardenTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NetwardenFilteringTests",
            dependencies: [
                "NetwardenFiltering", "NetwardenInspection", "NetwardenProtocols", "NetwardenCore",
                "NetwardenTestSupport", "NetwardenCompliance",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NetwardenDaemonTests",
            dependencies: [
                "NetwardenDaemon", "NetwardenCore", "NetwardenTelemetry", "NetwardenPlatform", "NetwardenTestSupport",
                // FilterTestService runs over a scripted FilterTestTransport.
                "NetwardenFiltering",
                // The compliance events must rebuild the sealed lines of the local log.
                "NetwardenCompliance",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NetwardenHTTPTests",
            dependencies: ["NetwardenHTTP", "NetwardenCore", "NetwardenTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NetwardenSpoolTests",
            dependencies: [
                "NetwardenSpool", "NetwardenTestSupport",
                // Built with the tests: the kill -9 test runs it as a child process.
                "netwarden-spool-stress",
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "netwarden-spool-stress",
            dependencies: ["NetwardenSpool"],
            path: "Tests/NetwardenSpoolStress",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NetwardenMetricsEndpointTests",
            dependencies: [
                "NetwardenMetricsEndpoint", "NetwardenCore", "NetwardenTestSupport",
                // Test clients on NIO: waiting on a slow server never blocks a test thread.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NetwardenCollectorTests",
            dependencies: [
                "NetwardenCollectorCore", "NetwardenWire", "NetwardenCore", "NetwardenCompression",
                "NetwardenTestSupport",
                // The wire contract test encodes with the daemon's own encoder.
                "NetwardenDelivery", "NetwardenTelemetry",
                // The views read filter checks from the compliance records the daemon writes.
                "NetwardenFiltering",
                // Evidence tests seal compliance records the way the daemon does.
                "NetwardenCompliance",
                // Tests read the collector's database with SQLite itself, read-only.
                .product(name: "GRDB", package: "GRDB.swift"),
                // Built with the tests: they start the real binary.
                "netwarden-collector",
            ],
            // The DevTools driver for the Chromium test is run by python3, not built.
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NetwardenIntegrationTests",
            dependencies: [
                "NetwardenTestSupport", "NetwardenCore", "NetwardenPlatform", "NetwardenHTTP", "NetwardenProtocols",
                "NetwardenInspection", "NetwardenFiltering", "NetwardenCapture",
                // The delivery tests read what the daemon sent: gzip bodies, the local outbox.
                "NetwardenCompression",
                // The delivery fault tests read the daemon's spool back as their oracle.
                "NetwardenSpool",
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
