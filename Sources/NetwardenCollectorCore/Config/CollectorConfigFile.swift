import Foundation
import NetwardenCore

/// Reads the collector's config file from disk and decodes it; an unreadable file becomes one
/// `FILE: message` line in the same form as a syntax error.
public enum CollectorConfigFile {
    /// A real file is a few hundred bytes; anything larger is the wrong file passed as --config.
    public static let maximumSize = 1 << 20

    /// `path` nil means "the default path, or built-in defaults if there is no file there": a
    /// collector with no config listens on loopback and stores under /var/lib.
    public static func load(path: String?) -> Result<CollectorConfig, ConfigErrors> {
        let file = path ?? CollectorConfig.defaultPath
        if path == nil && !FileManager.default.fileExists(atPath: file) { return .success(CollectorConfig()) }
        func failure(_ message: String) -> Result<CollectorConfig, ConfigErrors> {
            .failure(ConfigErrors([ConfigDiagnostic(.unreadable, file: file, line: nil, key: nil, message: message)]))
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            return failure("no such file")
        }
        if isDirectory.boolValue { return failure("is a directory, expected a config file") }
        guard let handle = FileHandle(forReadingAtPath: file) else {
            return failure("permission denied; the collector must be able to read it (check its owner and mode)")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumSize + 1) ?? Data()
        } catch {
            return failure("cannot be read: \(error.localizedDescription)")
        }
        if data.count > maximumSize {
            return failure(
                "is larger than the \(maximumSize >> 10) KiB limit for a config file; expected a collector.toml"
            )
        }
        return CollectorConfig.parse(bytes: [UInt8](data), fileName: file)
    }
}
