// swift-tools-version: 6.2
//
// libFuzzer harnesses for netwarden's parsers. Not part of the root package, so `swift build` and
// `swift test` at the repository root (and CI) never build them. Build and run with `Fuzz/run`;
// see Fuzz/README.md.
//
// Every harness is one executable target holding one file that defines LLVMFuzzerTestOneInput.
// SwiftPM on Linux links executables with `main` renamed to `<Target>_main` (so tests can link
// them), which keeps libFuzzer's own `main` from ever running; each harness therefore has a
// small `@main` that hands control to libFuzzer through `LLVMFuzzerRunDriver` (CLibFuzzer). The sanitizer
// flags come from the command line (`-Xswiftc -sanitize=fuzzer,address`) rather than from
// unsafeFlags here, because command-line flags also reach the dependency's targets: the parser
// modules must carry coverage instrumentation, not just the harness.
import Foundation
import PackageDescription

// A path dependency's identity is its directory name (`main`, `wt-fuzz`, ...), not "netwarden".
let root = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent()
let rootIdentity = root.lastPathComponent

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// Harness name -> the root package's library products it links.
let harnesses: [(String, [String])] = [
    ("FuzzPacketDecoder", ["NetwardenProtocols"]),
    ("FuzzIPReassembler", ["NetwardenProtocols"]),
    ("FuzzDNSMessage", ["NetwardenProtocols"]),
    ("FuzzHTTPRequestHead", ["NetwardenProtocols"]),
    ("FuzzTLSClientHello", ["NetwardenProtocols"]),
    ("FuzzTLSStreamReassembler", ["NetwardenProtocols"]),
    ("FuzzTLSServerResponse", ["NetwardenProtocols"]),
    ("FuzzQUICInitial", ["NetwardenProtocols"]),
    ("FuzzNetlink", ["NetwardenProtocols"]),
    ("FuzzTOML", ["NetwardenCore"]),
    ("FuzzNetwardenConfig", ["NetwardenCore"]),
    ("FuzzProcFiles", ["NetwardenCore"]),
    ("FuzzRemoteWriteDecoder", ["NetwardenRemoteWrite"]),
    ("FuzzDecompression", ["NetwardenCompression"]),
]

let package = Package(
    name: "netwarden-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "..")],
    targets: [
        // Declares libFuzzer's LLVMFuzzerRunDriver (the runtime itself comes with -sanitize=fuzzer).
        .systemLibrary(name: "CLibFuzzer", path: "Sources/CLibFuzzer")
    ]
        + harnesses.map { name, products in
            .executableTarget(
                name: name,
                dependencies: ["CLibFuzzer"] + products.map { .product(name: $0, package: rootIdentity) },
                path: "Sources/\(name)",
                swiftSettings: swiftSettings
            )
        }
)
