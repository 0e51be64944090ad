import Glibc

/// A failed system call: which call, errno, and what we were doing. Mirrors STYLE.md's error
/// shape (a code, a message, where) with errno as the code.
public struct SystemError: Error, CustomStringConvertible, Sendable {
    public var call: String
    public var errno: Int32
    public var context: String

    public init(_ call: String, errno: Int32 = Glibc.errno, context: String = "") {
        self.call = call
        self.errno = errno
        self.context = context
    }

    public var description: String {
        let reason = String(cString: strerror(errno))
        return context.isEmpty ? "\(call): \(reason)" : "\(context): \(call): \(reason)"
    }
}
