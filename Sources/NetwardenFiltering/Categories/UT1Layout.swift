/// The directory layout of the UT1 blacklists (Université Toulouse Capitole):
/// `<root>/<category>/domains`, one plain domain per line, next to `urls` files we do not use
/// (a name is all the passive engine sees of HTTPS).
///
/// This module does no I/O: the daemon lists the root, reads each `domains` file named here
/// and passes its bytes to `CategoryMatcherBuilder.addList(... format: .ut1 ...)`.
public enum UT1Layout {
    /// The file holding the domains of one UT1 category.
    public static func domainsFile(root: String, category: String) -> String {
        (root.hasSuffix("/") ? String(root.dropLast()) : root) + "/" + category + "/domains"
    }

    /// Whether a directory entry under the root names a category (UT1 also ships `README`,
    /// `global_usage` and similar files next to the category directories).
    public static func isCategoryName(_ entry: String) -> Bool {
        !entry.isEmpty && !entry.hasPrefix(".")
            && entry.utf8.allSatisfy {
                ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z"))
                    || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                    || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
            }
    }
}
