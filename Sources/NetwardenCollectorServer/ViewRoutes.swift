import HTTPTypes
import Hummingbird
import NetwardenCollectorCore
import NetwardenWire

/// The views for central IT beyond the overview: the coverage page and the JSON behind the
/// coverage and school views. Registered with one call from `routes`.
extension CollectorServer {
    func registerViewRoutes(_ router: Router<CollectorRequestContext>) {
        router.get("/coverage") { request, _ in try await self.coveragePage(request) }
        router.get("/api/v1/coverage") { request, _ in try await self.coverageAPI(request) }
    }

    func coveragePage(_ request: Request) async throws -> Response {
        let now = Self.nowMilliseconds()
        guard let caller = authenticator.caller(for: request, now: now) else { return Self.redirect("/login") }
        let query = request.uri.queryParameters
        let focus = CoveragePage.Focus(
            trust: query.get("trust").flatMap { $0.isEmpty ? nil : $0 },
            category: query.get("category").flatMap { $0.isEmpty ? nil : $0 },
            site: query.get("site").flatMap { $0.isEmpty ? nil : $0 }
        )
        let coverage = try await queries.coverage(now: now)
        return Self.html(
            CoveragePage.render(
                coverage: coverage,
                focus: focus,
                now: now,
                user: caller.user,
                csrfToken: caller.csrfToken
            )
        )
    }

    func coverageAPI(_ request: Request) async throws -> Response {
        let now = Self.nowMilliseconds()
        guard authenticator.caller(for: request, now: now) != nil else { return Self.authenticationRequired }
        return Self.jsonResponse(ViewsJSON.coverage(try await queries.coverage(now: now), now: now))
    }

    /// Everything the school page and `GET /api/v1/site` show, loaded once.
    struct SiteView {
        var summary: SiteSummary
        var events: [StoredEvent]
        var compliance: [StoredEvent]
        var cells: [CoverageCell]
        var samples: [StoredSample]
        var charts: SiteCharts
    }

    /// The school view for `trust`, `site`, `gateway` and `range` query parameters; nil with
    /// the error to answer when they are missing, bad or name no gateway.
    func siteView(
        _ request: Request,
        now: Int64,
        eventLimit: Int = 50
    ) async throws -> Result<SiteView, SiteViewError> {
        let query = request.uri.queryParameters
        guard let trust = query.get("trust"), let site = query.get("site"), let gateway = query.get("gateway") else {
            return .failure(SiteViewError(status: .badRequest, message: "expected trust, site and gateway parameters"))
        }
        var range = SiteCharts.Range.day
        if let text = query.get("range") {
            guard let parsed = SiteCharts.Range(rawValue: text) else {
                return .failure(SiteViewError(status: .badRequest, message: "range must be 24h or 7d"))
            }
            range = parsed
        }
        let identity = WireIdentity(trust: trust, site: site, gateway: gateway)
        guard let summary = try await queries.site(identity, now: now) else {
            return .failure(SiteViewError(status: .notFound, message: "no such school gateway: \(identity)"))
        }
        return .success(
            SiteView(
                summary: summary,
                // The compliance records have a section of their own; here they would bury the rest.
                events: try await queries.events(
                    identity,
                    excludingKind: SiteQueries.complianceEventKind,
                    limit: eventLimit
                ),
                compliance: try await queries.events(identity, kind: SiteQueries.complianceEventKind, limit: 100),
                cells: CoverageCell.cells(try await queries.filterChecks(identity)),
                samples: try await queries.latestSamples(identity, now: now),
                charts: try await SiteCharts.load(
                    identity: identity,
                    firstSeen: summary.firstSeenMilliseconds,
                    range: range,
                    now: now,
                    queries: queries
                )
            )
        )
    }

    struct SiteViewError: Error {
        var status: HTTPResponse.Status
        var message: String
    }
}
