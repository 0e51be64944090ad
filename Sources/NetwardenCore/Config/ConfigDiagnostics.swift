/// Collects problems while a file is decoded, so decoding never stops at the first one.
///
/// A class shared by every `ConfigTableReader` of one decode. Not `Sendable`: it lives for one
/// synchronous parse and never crosses a task.
public final class ConfigDiagnostics {
    public let file: String
    public private(set) var all: [ConfigDiagnostic] = []

    public init(file: String) { self.file = file }

    public var isEmpty: Bool { all.isEmpty }

    public func report(_ code: ConfigDiagnostic.Code, at location: TOMLLocation?, key: String?, _ message: String) {
        all.append(
            ConfigDiagnostic(
                code,
                file: file,
                line: location?.line,
                column: location?.column,
                key: key,
                message: message
            )
        )
    }

    public var errors: ConfigErrors { ConfigErrors(all) }
}
