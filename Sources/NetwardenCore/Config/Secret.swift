/// A string that must never reach a log line, a STATUS summary or a crash report (collector
/// tokens). Printing it in any way shows `<redacted>`; only `revealed` gives the text.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let value: String

    public init(_ value: String) { self.value = value }

    /// The secret itself; call this only where it is put on the wire.
    public var revealed: String { value }

    public var isEmpty: Bool { value.isEmpty }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    // `dump()` and the test framework's diffing walk stored properties via reflection.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
