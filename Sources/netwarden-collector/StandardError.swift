import Foundation

/// `print(..., to: &standardError)`: messages for people go to stderr, so stdout carries only
/// what scripts capture (a token, a password).
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
