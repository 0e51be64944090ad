/// The version of netwarden this binary was built from.
///
/// Bumped by hand at release time; `netwarden version` prints it alongside the versions of the C
/// libraries the binary actually loaded, which is what a technician needs in a bug report.
public enum NetwardenVersion {
    public static let string = "0.1.0"
}
