import FoundationEssentials
import NetwardenCore

/// An output's config block as libcurl client settings, with its secrets read from their
/// files now (so a rotated token file is picked up when the uploader is rebuilt).
enum OutputClientSettings {
    /// The settings, or one line saying which file could not be read.
    static func make(_ output: OutputSettings) -> Result<HTTPUploadSettings, OutputSetupError> {
        var settings = HTTPUploadSettings(
            caFile: output.caFile,
            clientCertificateFile: output.clientCertificateFile,
            clientKeyFile: output.clientKeyFile,
            proxy: output.proxy,
            connectTimeout: output.connectTimeout,
            timeout: output.timeout,
            insecureSkipVerify: output.insecureSkipVerify,
            headers: output.headers.sorted { $0.key < $1.key }.map { HTTPHeaderField($0.key, $0.value) }
        )
        let tokenKey = output.kind == .collector ? "token_file" : "bearer_token_file"
        if let path = output.bearerTokenFile {
            switch readSecret(path, key: tokenKey, output: output.name) {
            case .success(let secret): settings.bearerToken = secret
            case .failure(let error): return .failure(error)
            }
        }
        if let user = output.basicAuthUser, let path = output.basicAuthPasswordFile {
            switch readSecret(path, key: "basic_auth_password_file", output: output.name) {
            case .success(let secret): settings.basicAuth = .init(user: user, password: secret)
            case .failure(let error): return .failure(error)
            }
        }
        if let problem = settings.problems.first {
            return .failure(OutputSetupError(output: output.name, message: problem))
        }
        return .success(settings)
    }

    /// The file's contents with surrounding whitespace (a trailing newline) trimmed.
    private static func readSecret(_ path: String, key: String, output: String) -> Result<Secret, OutputSetupError> {
        guard let data = FileManager.default.contents(atPath: path), data.count <= 64 << 10 else {
            return .failure(OutputSetupError(output: output, message: "\(key) \(path) cannot be read"))
        }
        let text = String(decoding: data, as: UTF8.self).trimmingWhitespace()
        guard !text.isEmpty else {
            return .failure(OutputSetupError(output: output, message: "\(key) \(path) is empty"))
        }
        return .success(Secret(text))
    }
}

/// Why an output could not be set up (it is retried on the next reload, and logged once).
struct OutputSetupError: Error, CustomStringConvertible {
    var output: String
    var message: String

    var description: String { "output \(output): \(message)" }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    fileprivate func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
