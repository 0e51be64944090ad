import NetwardenCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let systemRead = Glibc.read
#elseif canImport(Darwin)
private let systemRead = Darwin.read
#endif

/// Reads a config file from disk and decodes it.
///
/// Every reason the file cannot be read becomes one `FILE: ...` line that says what to do, not an
/// errno number. Plain POSIX calls (rather than Foundation) so each errno maps to its own message.
public enum ConfigFile {
    /// Larger files are refused before reading: a real config is a few KiB, and anything this big
    /// is a mistake (a log or image passed as --config) that should not be read into memory.
    public static let maximumSize = 1 << 20

    public static func load(path: String) -> Result<NetwardenConfig, ConfigErrors> {
        switch read(path: path) {
        case .success(let bytes):
            return NetwardenConfig.parse(bytes: bytes, fileName: path)
        case .failure(let diagnostic):
            return .failure(ConfigErrors([diagnostic]))
        }
    }

    /// The file's bytes, or the one line explaining why they could not be read.
    public static func read(path: String) -> Result<[UInt8], ConfigDiagnostic> {
        func failure(_ message: String) -> Result<[UInt8], ConfigDiagnostic> {
            .failure(ConfigDiagnostic(.unreadable, file: path, line: nil, key: nil, message: message))
        }
        var info = stat()
        if stat(path, &info) != 0 { return failure(describe(errno: errno)) }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return failure("is a directory, expected a config file")
        case S_IFREG: break
        default: return failure("is not a regular file (a device, socket or pipe), expected a config file")
        }
        if Int(info.st_size) > maximumSize { return failure(tooLarge(Int(info.st_size))) }

        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 { return failure(describe(errno: errno)) }
        defer { close(descriptor) }
        // Read up to one byte past the limit: the file may have grown since stat().
        var bytes = [UInt8](repeating: 0, count: maximumSize + 1)
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                systemRead(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return failure(describe(errno: errno))
            }
            if count == 0 { break }
            filled += count
        }
        if filled > maximumSize { return failure(tooLarge(filled)) }
        bytes.removeSubrange(filled...)
        return .success(bytes)
    }

    private static func tooLarge(_ size: Int) -> String {
        "is \(size) bytes, larger than the \(maximumSize / 1024) KiB limit for a config file; expected a netwarden.toml"
    }

    private static func describe(errno code: Int32) -> String {
        switch code {
        case ENOENT: "no such file"
        case ENOTDIR: "no such file (a part of the path is not a directory)"
        case EACCES, EPERM: "permission denied; netwarden must be able to read it (check its owner and mode)"
        case ELOOP: "too many symbolic links (a link loop?)"
        case ENAMETOOLONG: "the path is too long"
        case EISDIR: "is a directory, expected a config file"
        default: "cannot be read: \(String(cString: strerror(code)))"
        }
    }
}
