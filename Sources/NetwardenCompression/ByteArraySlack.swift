extension [UInt8] {
    /// The array itself, or an exact-size copy when it holds far more capacity than bytes.
    ///
    /// Compressors write into storage sized for the worst case (incompressible input), and our
    /// bodies usually compress several times over, so the result would keep most of its input's
    /// size allocated for as long as it waits in a queue. Copying the compressed bytes once costs
    /// a small fraction of compressing them.
    func trimmingSlack() -> [UInt8] {
        // Array(self[...]) would share this storage; a copy from a pointer gets its own.
        capacity - count > Swift.max(4096, count / 4) ? withUnsafeBufferPointer { Array($0) } : self
    }
}
