import Foundation
import NetwardenCompression
import NetwardenWire
import Synchronization

/// `POST /api/v1/ingest` without the HTTP server: authenticate, rate-limit, check the body,
/// store the batch in one transaction, and answer as docs/ingest-api.md says. Every refusal
/// happens before the transaction or rolls it back, so nothing of a refused batch is stored.
public final class IngestService: Sendable {
    /// Running totals, for the log and for tests; "ignored but counted" per the contract.
    public struct Counters: Sendable, Equatable {
        public var batches = 0
        public var records = 0
        public var duplicates = 0
        public var rejected = 0
        public var unknownRecords = 0
        public var unknownFields = 0
    }

    let database: CollectorDatabase
    let agents: AgentRegistry
    let settings: IngestSection
    let limiter: RateLimiter
    let committer: GroupCommitter
    let wallClock: @Sendable () -> Int64
    let monotonicSeconds: @Sendable () -> Double
    private let totals = Mutex(Counters())

    public init(
        database: CollectorDatabase,
        settings: IngestSection,
        wallClock: @escaping @Sendable () -> Int64,
        monotonicSeconds: @escaping @Sendable () -> Double
    ) {
        self.database = database
        self.agents = AgentRegistry(database: database)
        self.settings = settings
        self.limiter = RateLimiter(burst: settings.rateLimitBurst, perSecond: settings.rateLimitPerSecond)
        self.committer = GroupCommitter(database: database)
        self.wallClock = wallClock
        self.monotonicSeconds = monotonicSeconds
    }

    public var counters: Counters { totals.withLock { $0 } }

    public func handle(_ request: IngestRequest) async -> IngestResponse {
        let response = await process(request)
        totals.withLock { totals in
            if (200..<300).contains(response.status) {
                totals.batches += 1
                totals.records += response.accepted
                totals.duplicates += response.duplicates
                totals.unknownRecords += response.ignored
            } else {
                totals.rejected += 1
            }
        }
        return response
    }

    private func process(_ request: IngestRequest) async -> IngestResponse {
        guard let token = request.bearerToken else {
            return IngestResponse(status: 401, message: "missing bearer token (Authorization: Bearer TOKEN)")
        }
        let agent: (id: Int64, name: String)
        do {
            guard let found = try agents.authenticate(token: token) else {
                return IngestResponse(status: 401, message: "unknown or revoked agent token")
            }
            agent = found
        } catch {
            return IngestResponse(status: 503, message: "storage unavailable: \(error.message)", retryAfterSeconds: 5)
        }
        if let wait = limiter.admit(agent.id, now: monotonicSeconds()) {
            return IngestResponse(
                status: 429,
                message: "agent '\(agent.name)' is sending faster than \(settings.rateLimitPerSecond) requests/s",
                retryAfterSeconds: wait
            )
        }

        let mediaType = request.contentType?.split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        guard mediaType == IngestAPI.contentType else {
            return IngestResponse(
                status: 415,
                message: "Content-Type must be \(IngestAPI.contentType), got \(request.contentType ?? "none")"
            )
        }
        if request.body.count > settings.maximumBodyBytes {
            return IngestResponse(
                status: 413,
                message: "body of \(request.body.count) bytes exceeds \(settings.maximumBodyBytes) bytes"
            )
        }
        let body: [UInt8]
        switch request.contentEncoding?.lowercased().trimmingCharacters(in: .whitespaces) {
        case nil, "", "identity":
            if request.body.count > settings.maximumDecompressedBytes {
                return IngestResponse(status: 413, message: "body exceeds \(settings.maximumDecompressedBytes) bytes")
            }
            body = request.body
        case "gzip":
            do {
                body = try Gzip.decompress(request.body, maxBytes: settings.maximumDecompressedBytes)
            } catch {
                if error.code == .tooLarge {
                    return IngestResponse(
                        status: 413,
                        message: "body decompresses to more than \(settings.maximumDecompressedBytes) bytes"
                    )
                }
                return IngestResponse(status: 400, message: "the body is not valid gzip: \(error.message)")
            }
        case let other?:
            return IngestResponse(status: 415, message: "Content-Encoding \(other) is not supported; use gzip")
        }

        let decoder = IngestDecoder(
            maximumRecords: settings.maximumRecords,
            maximumLineBytes: settings.maximumDecompressedBytes
        )
        let batch: IngestBatch
        do {
            batch = try decoder.decode(body)
        } catch {
            let status =
                switch error.code {
                case .tooManyRecords, .lineTooLong: 413
                case .invalidHeader, .invalidRecord: 422
                default: 400
                }
            return IngestResponse(status: status, message: error.description)
        }
        if let problem = Self.oversizedField(in: batch) {
            return IngestResponse(status: 422, message: problem)
        }
        totals.withLock { $0.unknownFields += batch.unknownFields }

        let now = wallClock()
        // Committed together with the batches of other agents that arrive meanwhile (one fsync
        // for all), each in its own savepoint; answered only after that commit.
        switch await committer.store(GroupCommitter.Job(batch: batch, agent: agent.id, now: now)) {
        case .success(let outcome):
            return IngestResponse(
                status: 200,
                message: "stored batch \(batch.header.batch): \(outcome.accepted) new, \(outcome.duplicates) duplicate",
                accepted: outcome.accepted,
                duplicates: outcome.duplicates,
                ignored: outcome.ignored
            )
        case .failure(let error):
            if error.code == .forbidden { return IngestResponse(status: 403, message: error.message) }
            return IngestResponse(status: 503, message: "storage failed: \(error.message)", retryAfterSeconds: 5)
        }
    }

    /// Ids and identity parts end up in URLs, HTML and indexes; absurd lengths are refused.
    static func oversizedField(in batch: IngestBatch) -> String? {
        func tooLong(_ identity: WireIdentity) -> Bool {
            identity.trust.utf8.count > 128 || identity.site.utf8.count > 128 || identity.gateway.utf8.count > 128
        }
        if tooLong(batch.header.agent) { return "agent identity parts are limited to 128 bytes" }
        for record in batch.records {
            switch record {
            case .samples(let group):
                if group.id.utf8.count > 256 || tooLong(group.identity) {
                    return "record \(group.id.prefix(40)): id (256 bytes) or identity (128 bytes) too long"
                }
            case .event(let event):
                if event.id.utf8.count > 256 || tooLong(event.identity) {
                    return "event \(event.id.prefix(40)): id (256 bytes) or identity (128 bytes) too long"
                }
            case .unknown:
                break
            }
        }
        return nil
    }
}
