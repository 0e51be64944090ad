/// Prometheus' staleness marker: a sample with this exact NaN value says the series has ended
/// (a target went away, a probe was removed), so queries stop returning its last value after
/// this timestamp instead of five minutes later.
///
/// It is one specific NaN payload; an ordinary NaN (`0.0 / 0.0`, `Double.nan`) is a real value
/// meaning "not a number" and must not be confused with it, hence the bit-pattern comparison.
public enum RemoteWriteStaleMarker {
    /// `value.StaleNaN` in Prometheus' `model/value` package.
    public static let bitPattern: UInt64 = 0x7ff0_0000_0000_0002
    /// The marker as a sample value.
    public static let value = Double(bitPattern: bitPattern)

    /// Whether `sample` is the marker (not merely some NaN).
    public static func matches(_ sample: Double) -> Bool { sample.bitPattern == bitPattern }
}
