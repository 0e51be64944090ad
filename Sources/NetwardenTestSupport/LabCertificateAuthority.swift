import Foundation

/// A throwaway certificate authority made with the `openssl` CLI, for HTTPS servers in the lab.
/// Clients under test trust `certificatePath` (curl's CAINFO, `openssl s_client -CAfile`).
/// P-256 keys: fast to generate, accepted everywhere; valid for two days.
public struct LabCertificateAuthority: Sendable {
    public var certificatePath: String
    public var keyPath: String
    public var directory: String

    /// A certificate and its key, as files.
    public struct Issued: Sendable {
        public var certificatePath: String
        public var keyPath: String
    }

    /// Makes a new CA in `directory` (a lab makes its own with `Lab.certificateAuthority()`;
    /// tests without a lab call this with a temporary directory). A second CA with a name of its
    /// own plays a filter that intercepts HTTPS.
    public static func create(
        in directory: String,
        commonName: String = "netwarden lab CA"
    ) async throws -> LabCertificateAuthority {
        let authority = LabCertificateAuthority(
            certificatePath: directory + "/ca.pem",
            keyPath: directory + "/ca.key",
            directory: directory
        )
        try await Command(
            [
                "openssl", "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", authority.keyPath, "-out", authority.certificatePath, "-days", "2",
                "-subj", "/CN=\(commonName)",
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ],
            timeout: .seconds(30)
        ).run()
        return authority
    }

    /// Issues a server certificate for `dnsNames` and `ipAddresses` (subjectAltName; the common
    /// name is ignored by modern clients).
    public func issueServerCertificate(
        dnsNames: [String],
        ipAddresses: [String] = [],
        fileName: String = "server"
    )
        async throws -> Issued
    {
        precondition(!dnsNames.isEmpty || !ipAddresses.isEmpty, "a certificate needs at least one name")
        let base = directory + "/" + fileName
        let alternativeNames = (dnsNames.map { "DNS:\($0)" } + ipAddresses.map { "IP:\($0)" }).joined(separator: ",")
        let extensions = """
            subjectAltName=\(alternativeNames)
            basicConstraints=CA:FALSE
            keyUsage=critical,digitalSignature
            extendedKeyUsage=serverAuth

            """
        return try await sign(base: base, commonName: dnsNames.first ?? ipAddresses[0], extensions: extensions)
    }

    /// Issues a client certificate (extendedKeyUsage clientAuth) for mutual TLS.
    public func issueClientCertificate(commonName: String, fileName: String = "client") async throws -> Issued {
        let base = directory + "/" + fileName
        let extensions = """
            basicConstraints=CA:FALSE
            keyUsage=critical,digitalSignature
            extendedKeyUsage=clientAuth

            """
        return try await sign(base: base, commonName: commonName, extensions: extensions)
    }

    /// A new P-256 key at `base`.key and its certificate at `base`.pem, signed by this CA with
    /// `extensions` (an openssl extfile).
    private func sign(base: String, commonName: String, extensions: String) async throws -> Issued {
        try extensions.write(toFile: base + ".ext", atomically: true, encoding: .utf8)
        try await Command(
            [
                "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", base + ".key", "-out", base + ".csr", "-subj", "/CN=\(commonName)",
            ],
            timeout: .seconds(30)
        ).run()
        try await Command(
            [
                "openssl", "x509", "-req", "-in", base + ".csr", "-CA", certificatePath, "-CAkey", keyPath,
                "-CAcreateserial", "-out", base + ".pem", "-days", "2", "-extfile", base + ".ext",
            ],
            timeout: .seconds(30)
        ).run()
        return Issued(certificatePath: base + ".pem", keyPath: base + ".key")
    }
}
