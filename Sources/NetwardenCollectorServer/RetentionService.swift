import Foundation
import Logging
import NetwardenCollectorCore
import ServiceLifecycle

/// Downsamples and prunes by `[retention]` once at start and then hourly; stops with the server.
struct RetentionService: Service {
    let pruner: RetentionPruner
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            do {
                let result = try await pruner.prune(now: now)
                if result != RetentionPruner.Result() {
                    logger.info(
                        "retention pruned old data",
                        metadata: [
                            "samples_downsampled": "\(result.samples)", "aggregates": "\(result.aggregates)",
                            "events": "\(result.events)",
                            "compliance_events": "\(result.complianceEvents)",
                            "notifications": "\(result.notifications)",
                        ]
                    )
                }
            } catch {
                logger.error("retention failed: \(error)")
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(3600)) }
        }
    }
}
