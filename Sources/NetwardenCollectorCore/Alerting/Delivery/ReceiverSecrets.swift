import Foundation
import NetwardenCore

/// Reads a receiver's secret files (`url_file`, `password_file`): first line, surrounding
/// whitespace dropped. Problems name the file and the receiver, never the contents.
public enum ReceiverSecrets {
    public static func resolve(_ settings: ReceiverSettings) -> Result<ResolvedReceiver, CollectorError> {
        var receiver = ResolvedReceiver(settings: settings, url: settings.url)
        if let file = settings.urlFile {
            switch read(file, receiver: settings.name, key: "url_file") {
            case .failure(let error): return .failure(error)
            case .success(let url):
                let lower = url.lowercased()
                guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else {
                    return .failure(
                        CollectorError(
                            .invalidName,
                            "receiver \(settings.name): url_file \(file) does not hold an http(s) URL"
                        )
                    )
                }
                receiver.url = url
            }
        }
        if let file = settings.email?.passwordFile {
            switch read(file, receiver: settings.name, key: "password_file") {
            case .failure(let error): return .failure(error)
            case .success(let password): receiver.password = Secret(password)
            }
        }
        return .success(receiver)
    }

    static func read(_ path: String, receiver: String, key: String) -> Result<String, CollectorError> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(
                CollectorError(
                    .notFound,
                    "receiver \(receiver): \(key) \(path) cannot be read (missing or permission denied)"
                )
            )
        }
        let text = String(decoding: data.prefix(64 * 1024), as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let value = line.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else {
            return .failure(CollectorError(.notFound, "receiver \(receiver): \(key) \(path) is empty"))
        }
        return .success(value)
    }
}
