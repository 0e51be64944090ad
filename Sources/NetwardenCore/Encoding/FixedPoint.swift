/// Fixed-point number text without Foundation's `String(format:)` (core is pure, and the CLI
/// avoids full Foundation to keep ICU out of the process).
public enum FixedPoint {
    /// `value` rounded to `decimals` places, e.g. `format(0.21849, decimals: 2)` is "0.22".
    public static func format(_ value: Double, decimals: Int) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<max(0, decimals) { scale *= 10 }
        let scaled = Int64((abs(value) * scale).rounded())
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(scaled) }
        let unit = Int64(scale)
        var fraction = String(scaled % unit)
        fraction = String(repeating: "0", count: decimals - fraction.count) + fraction
        return sign + String(scaled / unit) + "." + fraction
    }
}
