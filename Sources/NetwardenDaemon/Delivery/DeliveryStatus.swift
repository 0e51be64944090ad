import FoundationEssentials
import NetwardenCore
import NetwardenDelivery
import NetwardenSpool

/// What `netwarden spool` shows a technician: how much is waiting per output, how old the
/// oldest unsent record is, and why an output is failing. The daemon writes it as
/// `spool/status.json` (atomically, every few seconds); the command reads it, so it works
/// without touching the live spool and without /metrics being on.
public struct DeliveryStatus: Codable, Sendable, Equatable {
    public struct Output: Codable, Sendable, Equatable {
        public var name: String
        public var kind: String
        /// The URL without user info or query (never a credential).
        public var url: String
        public var backlogRecords: Int
        public var oldestUnsentAgeSeconds: Double
        public var sentRecords: Int
        public var sentItems: Int
        public var retries: Int
        public var deadLetterBatches: Int
        public var lastSuccessMilliseconds: Int64?
        public var consecutiveFailures: Int
        public var lastError: String?
    }

    public var writtenAtMilliseconds: Int64
    public var pid: Int32
    public var spoolBytes: Int64
    public var spoolRecords: Int
    public var droppedRecords: [String: UInt64]
    public var outputs: [Output]

    public static let fileName = "status.json"

    /// The status file under a state directory.
    public static func path(stateDirectory: String) -> String {
        DeliveryService.spoolDirectory(stateDirectory: stateDirectory) + "/" + fileName
    }

    public static func read(stateDirectory: String) throws -> DeliveryStatus {
        let data = try Data(contentsOf: URL(fileURLWithPath: path(stateDirectory: stateDirectory)))
        return try JSONDecoder().decode(DeliveryStatus.self, from: data)
    }

    /// Replaces the file atomically (write, then rename) so a reader never sees half of it.
    func write(stateDirectory: String) {
        let path = Self.path(stateDirectory: stateDirectory)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self) else { return }
        try? data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// `scheme://host:port/path` of `url`: no user info, no query.
    static func displayURL(_ url: String) -> String { UploadRequest.displayURL(url) }
}
