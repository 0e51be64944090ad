import NetwardenTestSupport

/// The independent implementations our bytes are checked against, and whether this machine has
/// them. Each is looked up once per test process.
enum ReferenceTools {
    static let gzip = LabProgram("gzip", debianPackage: "gzip")
    static let python = LabProgram("python3", debianPackage: "python3")

    /// python-snappy: from PyPI (0.7+) it runs on cramjam, Rust's `snap` crate, an implementation
    /// independent of the libsnappy we link; Debian's python3-snappy (0.5) wraps libsnappy and
    /// still checks the framing of our wrapper.
    static let pythonSnappyMissing: String? = {
        guard python.isInstalled else { return "needs \(python)" }
        let probe = try? Command(["python3", "-c", "import snappy"], timeout: .seconds(20)).runSynchronously(
            check: false
        )
        guard probe?.succeeded == true else {
            return "needs python-snappy: pip install python-snappy (or apt-get install python3-snappy)"
        }
        return nil
    }()

    /// Runs a Python snippet with `input` on stdin and returns its stdout bytes.
    static func python(_ script: String, input: [UInt8]) async throws -> [UInt8] {
        try await Command(["python3", "-c", script], standardInput: input, timeout: .seconds(60)).run().standardOutput
    }
}
