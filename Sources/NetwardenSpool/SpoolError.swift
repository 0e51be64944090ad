/// Why a spool or the state directory lock could not be opened. Only real impossibilities end
/// up here (a directory that cannot be created, a lock held by another process); damaged
/// content never does, it is skipped and counted.
public struct SpoolError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable value to switch on; new codes can be added without breaking
    /// callers that have a default case.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// A directory could not be created or opened.
        public static let cannotCreateDirectory = Code(name: "cannot create directory")
        /// A file the spool needs (the active segment, the instance id) could not be created.
        public static let cannotCreateFile = Code(name: "cannot create file")
        /// Another process holds the state directory lock.
        public static let locked = Code(name: "state directory locked")
        public var description: String { name }
    }

    public var code: Code
    /// The path it happened at.
    public var path: String
    /// A sentence for the log, naming the path and the reason.
    public var message: String
    /// errno of the failed call, when there was one.
    public var errno: Int32?

    public init(code: Code, path: String, message: String, errno: Int32? = nil) {
        self.code = code
        self.path = path
        self.message = message
        self.errno = errno
    }

    public var description: String { message }
}
