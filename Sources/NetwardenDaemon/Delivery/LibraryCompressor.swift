import NetwardenCompression
import NetwardenDelivery

/// The encoders' compression from Debian's zlib and libsnappy.
struct LibraryCompressor: Compressor {
    func gzip(_ bytes: [UInt8]) -> [UInt8] { Gzip.compress(bytes) }
    func snappy(_ bytes: [UInt8]) -> [UInt8] { Snappy.compress(bytes) }
}
