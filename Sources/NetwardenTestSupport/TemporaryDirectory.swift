import Foundation
import Glibc

/// A fresh directory under the system temporary directory, removed with everything in it when
/// the object goes away, so a test's files disappear even when the test fails.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init(prefix: String = "netwarden-test") throws(LabError) {
        var template = Array((NSTemporaryDirectory() + "/" + prefix + "-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw LabError(code: .setupFailed, message: "mkdtemp failed: \(POSIXErrorText.current())")
        }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
