import NetwardenTestSupport
import Testing

/// The independent implementations our bytes are checked against, and whether this machine has
/// them. Each is looked up once per test process.
enum ReferenceTools {
    static let gzip = LabProgram("gzip", debianPackage: "gzip")
    static let python = LabProgram("python3", debianPackage: "python3")

    /// python-snappy: from PyPI (0.7+) it runs on cramjam, Rust's `snap` crate, an implementation
    /// independent of the libsnappy we link; Debian's python3-snappy (0.5) wraps libsnappy and
    /// still checks the framing of our wrapper.
    /// Asked when a test runs, not at discovery: nothing may wait for a program there (see
    /// `requiresPythonSnappy`).
    static func pythonSnappyMissing() async -> String? { await pythonSnappyProbe.value }

    private static let pythonSnappyProbe = Task<String?, Never> {
        guard python.isInstalled else { return "needs \(python)" }
        let probe = try? await Command(["python3", "-c", "import snappy"], timeout: .seconds(20)).run(check: false)
        guard probe?.succeeded == true else { return pythonSnappyAdvice }
        return nil
    }

    static let pythonSnappyAdvice =
        "needs python3 with python-snappy: pip install python-snappy (or apt-get install python3-snappy)"

    /// Runs a Python snippet with `input` on stdin and returns its stdout bytes.
    static func python(_ script: String, input: [UInt8]) async throws -> [UInt8] {
        try await Command(["python3", "-c", script], standardInput: input, timeout: .seconds(60)).run().standardOutput
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test only where python-snappy can be imported.
    static var requiresPythonSnappy: Self {
        .enabled(Comment(rawValue: ReferenceTools.pythonSnappyAdvice)) {
            await ReferenceTools.pythonSnappyMissing() == nil
        }
    }
}
