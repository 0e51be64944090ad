import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NetwardenCollectorCore
import NetwardenWire

/// `/evidence` (page) and `/evidence.csv` (export): the filter compliance log per school and date
/// range with each record's hash chain verified. Both need a signed-in user or HTTP Basic.
extension CollectorServer {
    func evidenceRoutes(_ router: Router<CollectorRequestContext>) {
        router.get("/evidence") { request, _ in try await self.evidencePage(request) }
        router.get("/evidence.csv") { request, _ in try await self.evidenceCSV(request) }
    }

    func evidenceSelection(_ request: Request, now: Int64) -> Result<EvidencePage.Selection, EvidenceRequestError> {
        let query = request.uri.queryParameters
        return EvidencePage.selection(
            trust: query.get("trust"),
            site: query.get("site"),
            gateway: query.get("gateway"),
            from: query.get("from"),
            to: query.get("to"),
            now: now
        )
    }

    func evidenceRecords(_ selection: EvidencePage.Selection) async throws -> [ComplianceEvidenceRecord] {
        let evidence = ComplianceEvidence(database: database)
        let gateways =
            if let gateway = selection.gateway {
                [WireIdentity(trust: selection.trust, site: selection.site, gateway: gateway)]
            } else {
                try await evidence.gateways(trust: selection.trust, site: selection.site)
            }
        return try await evidence.records(
            gateways,
            from: selection.fromMilliseconds,
            to: selection.toMilliseconds
        )
    }

    func evidencePage(_ request: Request) async throws -> Response {
        let now = Self.nowMilliseconds()
        guard let caller = authenticator.caller(for: request, now: now) else { return Self.redirect("/login") }
        switch evidenceSelection(request, now: now) {
        case .failure(let problem):
            return Self.html("<p>\(HTML.escape(problem.message)).</p>", status: .badRequest)
        case .success(let selection):
            let records = try await evidenceRecords(selection)
            return Self.html(
                EvidencePage.render(
                    selection: selection,
                    records: records,
                    user: caller.user,
                    csrfToken: caller.csrfToken
                )
            )
        }
    }

    func evidenceCSV(_ request: Request) async throws -> Response {
        let now = Self.nowMilliseconds()
        guard authenticator.caller(for: request, now: now) != nil else { return Self.authenticationRequired }
        switch evidenceSelection(request, now: now) {
        case .failure(let problem):
            return Self.jsonResponse(
                "{\"error\":\"\(problem.message.replacingOccurrences(of: "\"", with: "'"))\"}",
                status: .badRequest
            )
        case .success(let selection):
            let records = try await evidenceRecords(selection)
            let flagged = records.count { $0.check.isFlagged }
            if flagged > 0 {
                logger.warning(
                    "evidence export has flagged records",
                    metadata: ["school": "\(selection.trust)/\(selection.site)", "flagged": "\(flagged)"]
                )
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8; header=present",
                    .contentDisposition: "attachment; filename=\"\(selection.fileName)\"",
                    .cacheControl: "no-store",
                    // Scripts see the verdict without parsing the file.
                    HTTPField.Name("X-Netwarden-Flagged-Records")!: "\(flagged)",
                ],
                body: .init(byteBuffer: ByteBuffer(string: EvidenceCSV.render(records)))
            )
        }
    }
}
