import Crypto
import CryptoExtras

/// Slow salted hashing for web users' passwords: PBKDF2-HMAC-SHA256.
///
/// Parameters: 600,000 iterations is OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256 (the
/// FIPS-approved choice, and the one CryptoExtras offers from BoringSSL without a C
/// dependency of our own); about a quarter of a second of one core here, which is acceptable
/// once per login and made cheap for HTTP Basic scripts by the verified-credential cache in
/// `UserRegistry`. A 16-byte random salt per user defeats precomputed tables; a 32-byte output
/// matches the hash size. The iteration count is stored per user, so it can be raised later
/// without invalidating existing passwords.
public struct PasswordHasher: Sendable {
    public static let defaultIterations = 600_000
    public var iterations: Int

    public init(iterations: Int = Self.defaultIterations) { self.iterations = iterations }

    public func hash(_ password: String, salt: [UInt8]) throws(CollectorError) -> [UInt8] {
        try Self.derive(password, salt: salt, iterations: iterations)
    }

    public static func derive(_ password: String, salt: [UInt8], iterations: Int) throws(CollectorError) -> [UInt8] {
        do {
            let key = try KDF.Insecure.PBKDF2.deriveKey(
                from: Array(password.utf8),
                salt: salt,
                using: .sha256,
                outputByteCount: 32,
                unsafeUncheckedRounds: iterations
            )
            return key.withUnsafeBytes { Array($0) }
        } catch {
            throw CollectorError(.crypto, "PBKDF2 failed: \(error)")
        }
    }

    /// Whether `password` matches a stored hash, in constant time.
    public static func verify(
        _ password: String,
        hash: [UInt8],
        salt: [UInt8],
        iterations: Int
    ) -> Bool {
        guard let derived = try? derive(password, salt: salt, iterations: iterations) else { return false }
        return Secrets.constantTimeEqual(derived, hash)
    }
}
