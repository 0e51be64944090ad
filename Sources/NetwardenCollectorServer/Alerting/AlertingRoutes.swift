import HTTPTypes
import Hummingbird
import Logging
import NetwardenCollectorCore
import NetwardenCore
import NetwardenWire

/// The alerting pages and API, registered by `alertingRoutes(_:)`:
///
/// | route | what |
/// |---|---|
/// | `GET /alerts` | open alerts, silences (with the add/end forms) and the notification history |
/// | `POST /alerts/silences`, `POST /alerts/silences/expire` | the forms (session + CSRF token) |
/// | `GET /api/v1/alerts` | open alerts and active silences as JSON |
/// | `GET /api/v1/notifications?limit=&outcome=` | the history as JSON, newest first |
/// | `GET /api/v1/silences`, `POST /api/v1/silences`, `DELETE /api/v1/silences?id=` | silences |
///
/// Every route needs a signed-in user (session cookie or HTTP Basic). A state-changing request
/// made with a session cookie needs its CSRF token (the form field, or `X-CSRF-Token` on the
/// API); Basic-authenticated scripts carry no cookie a third-party page could ride on.
extension CollectorServer {
    func alertingRoutes(_ router: Router<CollectorRequestContext>) {
        router.get("/alerts") { request, _ in try await self.alertsPage(request, message: nil) }
        router.post("/alerts/silences") { request, _ in try await self.silenceForm(request) }
        router.post("/alerts/silences/expire") { request, _ in try await self.expireForm(request) }
        router.get("/api/v1/alerts") { request, _ in try await self.openAlertsAPI(request) }
        router.get("/api/v1/notifications") { request, _ in try await self.historyAPI(request) }
        router.get("/api/v1/silences") { request, _ in try await self.silencesAPI(request) }
        router.post("/api/v1/silences") { request, _ in try await self.createSilenceAPI(request) }
        router.delete("/api/v1/silences") { request, _ in try await self.expireSilenceAPI(request) }
    }

    /// The overview's alerting section (open alerts per school, silences in force).
    func overviewAlertsSection() -> String {
        let snapshot = alerting.snapshot()
        return OverviewAlertsSection.render(open: snapshot.open, silences: snapshot.silences)
    }

    // MARK: page

    func alertsPage(_ request: Request, message: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let now = Self.nowMilliseconds()
        guard let caller = authenticator.caller(for: request, now: now) else { return Self.redirect("/login") }
        let store = AlertingStore(database: database)
        let history = try await store.history(limit: 200)
        let stored = try await store.liveSilences(now: now)
        return Self.html(
            NotificationHistoryPage.render(
                history: history,
                open: alerting.snapshot().open,
                configSilences: config.silences,
                storedSilences: stored,
                now: now,
                user: caller.user,
                csrfToken: caller.csrfToken,
                message: message
            ),
            status: status
        )
    }

    func silenceForm(_ request: Request) async throws -> Response {
        let now = Self.nowMilliseconds()
        guard let caller = authenticator.caller(for: request, now: now) else { return Self.redirect("/login") }
        let fields = try await form(request)
        guard let token = caller.csrfToken,
            Secrets.constantTimeEqual(Array(token.utf8), Array((fields["csrf"] ?? "").utf8))
        else { return Self.html("<p>Invalid form token.</p>", status: .forbidden) }
        switch SilenceRequest.silence(from: fields, user: caller.user, now: now) {
        case .failure(let problem):
            return try await alertsPage(request, message: "Not added: \(problem.message)", status: .badRequest)
        case .success(let silence):
            let id = try await AlertingStore(database: database).createSilence(silence, now: now)
            logger.notice(
                "silence added",
                metadata: ["id": "\(id)", "scope": "\(silence.scope)", "user": "\(caller.user)"]
            )
            alerting.nudge()
            return Self.redirect("/alerts")
        }
    }

    func expireForm(_ request: Request) async throws -> Response {
        let now = Self.nowMilliseconds()
        guard let caller = authenticator.caller(for: request, now: now) else { return Self.redirect("/login") }
        let fields = try await form(request)
        guard let token = caller.csrfToken,
            Secrets.constantTimeEqual(Array(token.utf8), Array((fields["csrf"] ?? "").utf8))
        else { return Self.html("<p>Invalid form token.</p>", status: .forbidden) }
        let id = fields["id"] ?? ""
        guard try await AlertingStore(database: database).expireSilence(id: id, now: now) else {
            return try await alertsPage(request, message: "No live silence \(id).", status: .notFound)
        }
        logger.notice("silence ended", metadata: ["id": "\(id)", "user": "\(caller.user)"])
        alerting.nudge()
        return Self.redirect("/alerts")
    }

    // MARK: API

    func openAlertsAPI(_ request: Request) async throws -> Response {
        let now = Self.nowMilliseconds()
        guard authenticator.caller(for: request, now: now) != nil else { return Self.authenticationRequired }
        let snapshot = alerting.snapshot()
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("generated_at", TimeText.rfc3339(milliseconds: now))
        writer.key("alerts")
        writer.beginArray()
        for alert in snapshot.open { AlertingJSON.write(alert, into: &writer) }
        writer.endArray()
        writer.key("silences")
        writer.beginArray()
        for silence in snapshot.silences { AlertingJSON.write(silence, now: now, into: &writer) }
        writer.endArray()
        writer.endObject()
        return Self.jsonResponse(writer.output)
    }

    func historyAPI(_ request: Request) async throws -> Response {
        let now = Self.nowMilliseconds()
        guard authenticator.caller(for: request, now: now) != nil else { return Self.authenticationRequired }
        let query = request.uri.queryParameters
        let limit = min(max(query.get("limit").flatMap { Int($0) } ?? 200, 1), 5000)
        let outcome = query.get("outcome").map { String($0) }
        let history = try await AlertingStore(database: database).history(limit: limit, outcome: outcome)
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("generated_at", TimeText.rfc3339(milliseconds: now))
        writer.key("notifications")
        writer.beginArray()
        for entry in history { AlertingJSON.write(entry, into: &writer) }
        writer.endArray()
        writer.endObject()
        return Self.jsonResponse(writer.output)
    }

    func silencesAPI(_ request: Request) async throws -> Response {
        let now = Self.nowMilliseconds()
        guard authenticator.caller(for: request, now: now) != nil else { return Self.authenticationRequired }
        let stored = try await AlertingStore(database: database).liveSilences(now: now)
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("silences")
        writer.beginArray()
        for silence in config.silences + stored { AlertingJSON.write(silence, now: now, into: &writer) }
        writer.endArray()
        writer.endObject()
        return Self.jsonResponse(writer.output)
    }

    /// `{"kind":"maintenance","trust":"oak-trust","site":"oak-primary","starts":"...","ends":"...",
    /// "comment":"..."}` (or `duration_minutes` instead of `ends`); answers 201 with the id.
    func createSilenceAPI(_ request: Request) async throws -> Response {
        let now = Self.nowMilliseconds()
        guard let caller = authenticator.caller(for: request, now: now) else { return Self.authenticationRequired }
        if let problem = csrfProblem(request, caller) { return problem }
        let body = try await request.body.collect(upTo: 16 * 1024)
        guard case .object(let members)? = try? JSONParser.parse(Array(body.readableBytesView)) else {
            return Self.jsonResponse("{\"error\":\"expected a JSON object\"}", status: .badRequest)
        }
        var fields: [String: String] = [:]
        for member in members {
            switch member.value {
            case .string(let text): fields[member.key] = text
            case .number(let number): fields[member.key] = String(Int(exactly: number) ?? Int(number))
            case .null: continue
            default:
                return Self.jsonResponse(
                    "{\"error\":\(JSONWriter.escaped("\(member.key): expected a string or a number"))}",
                    status: .badRequest
                )
            }
        }
        switch SilenceRequest.silence(from: fields, user: caller.user, now: now) {
        case .failure(let problem):
            return Self.jsonResponse("{\"error\":\(JSONWriter.escaped(problem.message))}", status: .badRequest)
        case .success(let silence):
            let id = try await AlertingStore(database: database).createSilence(silence, now: now)
            logger.notice(
                "silence added",
                metadata: ["id": "\(id)", "scope": "\(silence.scope)", "user": "\(caller.user)"]
            )
            alerting.nudge()
            var stored = silence
            stored.id = id
            var writer = JSONWriter()
            AlertingJSON.write(stored, now: now, into: &writer)
            return Self.jsonResponse(writer.output, status: .created)
        }
    }

    func expireSilenceAPI(_ request: Request) async throws -> Response {
        let now = Self.nowMilliseconds()
        guard let caller = authenticator.caller(for: request, now: now) else { return Self.authenticationRequired }
        if let problem = csrfProblem(request, caller) { return problem }
        let id = request.uri.queryParameters.get("id").map { String($0) } ?? ""
        guard try await AlertingStore(database: database).expireSilence(id: id, now: now) else {
            return Self.jsonResponse("{\"error\":\"no live silence with that id\"}", status: .notFound)
        }
        logger.notice("silence ended", metadata: ["id": "\(id)", "user": "\(caller.user)"])
        alerting.nudge()
        return Self.jsonResponse("{\"expired\":\(JSONWriter.escaped(id))}")
    }

    /// A session-cookie caller must echo its CSRF token in `X-CSRF-Token`.
    func csrfProblem(_ request: Request, _ caller: WebAuthenticator.Caller) -> Response? {
        guard let token = caller.csrfToken else { return nil }
        let sent = request.headers[HTTPField.Name("X-CSRF-Token")!] ?? ""
        guard Secrets.constantTimeEqual(Array(token.utf8), Array(sent.utf8)) else {
            return Self.jsonResponse("{\"error\":\"missing or wrong X-CSRF-Token\"}", status: .forbidden)
        }
        return nil
    }
}
