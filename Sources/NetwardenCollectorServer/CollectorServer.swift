import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import NetwardenCollectorCore
import NetwardenCore
import NetwardenWire
import ServiceLifecycle

/// The collector's HTTP server: ingest for agents, the page and the JSON API for people.
public struct CollectorServer: Sendable {
    let config: CollectorConfig
    let database: CollectorDatabase
    let ingest: IngestService
    let queries: SiteQueries
    let authenticator: WebAuthenticator
    let sessions: SessionStore
    let users: UserRegistry
    let alerting: AlertDeliveryService
    let throttle: LoginThrottle
    let logger: Logger

    public init(config: CollectorConfig, database: CollectorDatabase, logger: Logger) {
        self.config = config
        self.database = database
        self.ingest = IngestService(
            database: database,
            settings: config.ingest,
            wallClock: { Self.nowMilliseconds() },
            monotonicSeconds: { Self.monotonicSeconds() }
        )
        self.queries = SiteQueries(database: database)
        self.sessions = SessionStore(database: database)
        self.users = UserRegistry(database: database)
        self.alerting = AlertDeliveryService(config: config, database: database, logger: logger) {
            Self.nowMilliseconds()
        }
        self.throttle = LoginThrottle(policy: config.server.loginPolicy)
        self.authenticator = WebAuthenticator(
            users: users,
            sessions: sessions,
            throttle: throttle,
            monotonicSeconds: { Self.monotonicSeconds() }
        )
        self.logger = logger
    }

    static let epoch = ContinuousClock.now

    static func monotonicSeconds() -> Double {
        let now = ContinuousClock.now.duration(to: Self.epoch)
        return -Double(now.components.seconds) - Double(now.components.attoseconds) * 1e-18
    }

    static func nowMilliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// Runs until SIGTERM/SIGINT (handled by the application's service group). `onListening`
    /// gets the bound address once the socket accepts connections.
    public func run(onListening: @escaping @Sendable (String) -> Void) async throws {
        let router = Router(context: CollectorRequestContext.self)
        routes(router)
        let address = config.server.listen
        let server: HTTPServerBuilder
        if let certificate = config.server.tlsCertificate, let key = config.server.tlsKey {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            let tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain,
                privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            )
            server = try .tls(.http1(), tlsConfiguration: tls)
        } else {
            server = .http1()
        }
        let pruner = RetentionPruner(database: database, settings: config.retention)
        let app = Application(
            router: router,
            server: server,
            configuration: ApplicationConfiguration(
                address: .hostname(address.host, port: Int(address.port)),
                serverName: "netwarden-collector"
            ),
            services: [RetentionService(pruner: pruner, logger: logger), alerting],
            onServerRunning: { channel in
                onListening(channel.localAddress.map { "\($0)" } ?? "\(address)")
            },
            logger: logger
        )
        try await app.runService()
    }

    func routes(_ router: Router<CollectorRequestContext>) {
        router.post(RouterPath(IngestAPI.path)) { request, context in try await self.ingest(request, context) }
        router.get("/healthz") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok\n"))) }
        router.get("/login") { request, _ in self.loginForm(error: nil, request: request) }
        router.post("/login") { request, context in try await self.login(request, context) }
        router.post("/logout") { request, context in try await self.logout(request, context) }
        router.get("/") { request, _ in try await self.overview(request) }
        router.get("/site") { request, _ in try await self.sitePage(request) }
        router.get("/api/v1/sites") { request, _ in try await self.sitesAPI(request) }
        router.get("/api/v1/site") { request, _ in try await self.siteAPI(request) }
        registerViewRoutes(router)
        alertingRoutes(router)
        evidenceRoutes(router)
    }

    // MARK: ingest

    func ingest(_ request: Request, _ context: CollectorRequestContext) async throws -> Response {
        // Collect one byte past the limit so "too large" is a clear 413 from our own check, with
        // the same message as a decompressed body that is too large.
        var body: [UInt8] = []
        do {
            let buffer = try await request.body.collect(upTo: config.ingest.maximumBodyBytes + 1)
            body = Array(buffer.readableBytesView)
        } catch {
            return Self.json(
                IngestResponse(status: 413, message: "body exceeds \(config.ingest.maximumBodyBytes) bytes")
            )
        }
        let response = await ingest.handle(
            IngestRequest(
                authorization: request.headers[.authorization],
                contentType: request.headers[.contentType],
                contentEncoding: request.headers[.contentEncoding],
                body: body
            )
        )
        if response.status >= 400 {
            logger.notice(
                "ingest refused",
                metadata: ["status": "\(response.status)", "reason": "\(response.message)"]
            )
        } else {
            logger.debug("ingest stored", metadata: ["summary": "\(response.message)"])
            alerting.nudge()
        }
        return Self.json(response)
    }

    static func json(_ response: IngestResponse) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retry = response.retryAfterSeconds { headers[.retryAfter] = "\(retry)" }
        if response.status == 401 { headers[.wwwAuthenticate] = "Bearer realm=\"netwarden-collector\"" }
        return Response(
            status: HTTPResponse.Status(code: response.status),
            headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: response.jsonBody + "\n"))
        )
    }

    // MARK: pages

    static func html(_ text: String, status: HTTPResponse.Status = .ok, extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: "no-store",
            // No script at all: the page works without JavaScript, and nothing injected can run.
            .contentSecurityPolicy:
                "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
        ]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String, extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        headers.append(contentsOf: extra)
        return Response(status: .seeOther, headers: headers)
    }

    func cookie(_ name: String, _ value: String, maxAge: Int, path: String = "/") -> String {
        // Built by hand: Hummingbird's Cookie has no SameSite on the initializer without it, and
        // the attributes here are the security contract, so they are spelled out.
        var text = "\(name)=\(value); Path=\(path); Max-Age=\(maxAge); HttpOnly; SameSite=Strict"
        if config.server.usesTLS { text += "; Secure" }
        return text
    }

    func loginForm(error: String?, request: Request, status: HTTPResponse.Status = .ok) -> Response {
        let token = Secrets.newSessionToken()
        return Self.html(
            LoginPage.render(csrfToken: token, error: error),
            status: status,
            extra: [.setCookie: cookie(WebAuthenticator.loginCSRFCookie, token, maxAge: 3600, path: "/login")]
        )
    }

    /// 429 with the form again: how long to wait, in words and in `Retry-After`.
    func tooManyFailures(_ lock: LoginThrottle.Lock, request: Request) -> Response {
        var response = loginForm(
            error: "Too many failed sign-ins for this \(lock.scope == "user" ? "user" : "address"). "
                + "Try again in \(lock.retryAfterSeconds) s.",
            request: request,
            status: .tooManyRequests
        )
        response.headers[.retryAfter] = "\(lock.retryAfterSeconds)"
        return response
    }

    func form(_ request: Request) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: 16 * 1024)
        let text = String(buffer: buffer)
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    func login(_ request: Request, _ context: CollectorRequestContext) async throws -> Response {
        let fields = try await form(request)
        let cookieToken = request.cookies[WebAuthenticator.loginCSRFCookie]?.value ?? ""
        let formToken = fields["csrf"] ?? ""
        guard !cookieToken.isEmpty, Secrets.constantTimeEqual(Array(cookieToken.utf8), Array(formToken.utf8)) else {
            return loginForm(error: "The form expired; please sign in again.", request: request, status: .forbidden)
        }
        let user = fields["username"] ?? ""
        let address = context.clientAddress
        // A lock in force refuses before the password is looked at: no guess is checked while locked.
        if let lock = throttle.check(user: user, address: address, now: Self.monotonicSeconds()) {
            logger.notice(
                "sign-in refused: too many failures",
                metadata: [
                    "user": "\(user)", "client": "\(address ?? "?")", "scope": "\(lock.scope)",
                    "refused_total": "\(throttle.counters.refused)",
                ]
            )
            return tooManyFailures(lock, request: request)
        }
        guard users.verify(name: user, password: fields["password"] ?? "") else {
            let lock = throttle.failed(user: user, address: address, now: Self.monotonicSeconds())
            logger.notice(
                "sign-in failed",
                metadata: [
                    "user": "\(user)", "client": "\(address ?? "?")",
                    "failures_total": "\(throttle.counters.failures)",
                ]
            )
            if let lock { return tooManyFailures(lock, request: request) }
            return loginForm(error: "Wrong user or password.", request: request, status: .unauthorized)
        }
        throttle.succeeded(user: user, address: address)
        let token = try sessions.create(user: user, now: Self.nowMilliseconds())
        logger.info("signed in", metadata: ["user": "\(user)"])
        var extra = HTTPFields()
        extra.append(
            HTTPField(
                name: .setCookie,
                value: cookie(
                    WebAuthenticator.sessionCookie,
                    token,
                    maxAge: Int(SessionStore.lifetimeMilliseconds / 1000)
                )
            )
        )
        extra.append(
            HTTPField(name: .setCookie, value: cookie(WebAuthenticator.loginCSRFCookie, "", maxAge: 0, path: "/login"))
        )
        return Self.redirect("/", extra: extra)
    }

    func logout(_ request: Request, _ context: CollectorRequestContext) async throws -> Response {
        let fields = try await form(request)
        guard let cookie = request.cookies[WebAuthenticator.sessionCookie],
            let session = sessions.find(token: cookie.value, now: Self.nowMilliseconds())
        else { return Self.redirect("/login") }
        guard Secrets.constantTimeEqual(Array(session.csrfToken.utf8), Array((fields["csrf"] ?? "").utf8)) else {
            return Self.html("<p>Invalid form token.</p>", status: .forbidden)
        }
        try sessions.delete(token: cookie.value)
        return Self.redirect("/login", extra: [.setCookie: self.cookie(WebAuthenticator.sessionCookie, "", maxAge: 0)])
    }

    func overview(_ request: Request) async throws -> Response {
        let now = Self.nowMilliseconds()
        guard let caller = authenticator.caller(for: request, now: now) else { return Self.redirect("/login") }
        let sites = try await queries.sites(now: now)
        return Self.html(
            OverviewPage.render(
                sites: sites,
                now: now,
                user: caller.user,
                csrfToken: caller.csrfToken,
                sections: [overviewAlertsSection()]
            )
        )
    }

    func sitePage(_ request: Request) async throws -> Response {
        let now = Self.nowMilliseconds()
        guard let caller = authenticator.caller(for: request, now: now) else { return Self.redirect("/login") }
        switch try await siteView(request, now: now) {
        case .failure(let error):
            return Self.html("<p>\(HTML.escape(error.message)).</p>", status: error.status)
        case .success(let view):
            return Self.html(
                SitePage.render(
                    site: view.summary,
                    events: view.events,
                    compliance: view.compliance,
                    cells: view.cells,
                    samples: view.samples,
                    charts: view.charts.html(identity: view.summary.identity),
                    now: now,
                    user: caller.user,
                    csrfToken: caller.csrfToken
                )
            )
        }
    }

    static func jsonResponse(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text + "\n"))
        )
    }

    static let authenticationRequired = Response(
        status: .unauthorized,
        headers: [
            .wwwAuthenticate: "Basic realm=\"netwarden-collector\", charset=\"UTF-8\"",
            .contentType: "application/json",
        ],
        body: .init(byteBuffer: ByteBuffer(string: "{\"error\":\"authentication required\"}\n"))
    )

    func sitesAPI(_ request: Request) async throws -> Response {
        let now = Self.nowMilliseconds()
        guard authenticator.caller(for: request, now: now) != nil else { return Self.authenticationRequired }
        let sites = try await queries.sites(now: now)
        return Self.jsonResponse(SitesJSON.render(sites, now: now))
    }

    func siteAPI(_ request: Request) async throws -> Response {
        let now = Self.nowMilliseconds()
        guard authenticator.caller(for: request, now: now) != nil else { return Self.authenticationRequired }
        switch try await siteView(request, now: now, eventLimit: 200) {
        case .failure(let error):
            var writer = JSONWriter()
            writer.beginObject()
            writer.field("error", error.message)
            writer.endObject()
            return Self.jsonResponse(writer.output, status: error.status)
        case .success(let view):
            return Self.jsonResponse(ViewsJSON.site(view, now: now))
        }
    }
}
