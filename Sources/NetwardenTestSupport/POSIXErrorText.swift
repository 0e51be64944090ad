import Glibc

/// The text of the current `errno`, for error messages.
enum POSIXErrorText {
    static func current() -> String { String(cString: strerror(errno)) }
}
