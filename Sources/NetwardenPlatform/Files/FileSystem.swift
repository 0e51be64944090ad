import Glibc

/// Small file-system operations the daemon needs without Foundation's FileManager.
public enum FileSystem {
    /// `mkdir -p`: creates `path` and any missing parents; an existing directory is fine.
    public static func makeDirectories(_ path: String, permissions: mode_t = 0o750) throws(SystemError) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw SystemError("mkdir", errno: ENOTDIR, context: path)
            }
            return
        }
        var prefix = ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += "/" + component
            if mkdir(prefix, permissions) != 0 && errno != EEXIST {
                throw SystemError("mkdir", context: prefix)
            }
        }
    }
}
