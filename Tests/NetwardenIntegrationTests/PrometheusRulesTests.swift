import Foundation
import Glibc
import NetwardenCore
import NetwardenTestSupport
import Testing

/// The files in etc/ for trusts on Prometheus, Alertmanager and Grafana: the alerting rules pass
/// `promtool check rules` and their unit tests, cover every shipped daemon default and use only
/// catalogue metrics; the Alertmanager example passes `amtool check-config` and routes per trust;
/// every dashboard query parses and uses only catalogue metrics.
@Suite(.timeLimit(.minutes(1)))
struct PrometheusRulesTests {
    static let promtool = LabProgram("promtool", debianPackage: "prometheus")
    static let amtool = LabProgram("amtool", debianPackage: "prometheus-alertmanager")
    static let missingPromtool = promtool.isInstalled ? nil : "needs \(promtool)"
    static let missingAmtool = amtool.isInstalled ? nil : "needs \(amtool)"
    static let alertmanagerServer = LabProgram("prometheus-alertmanager", debianPackage: "prometheus-alertmanager")
    static let missingAlertmanager =
        alertmanagerServer.isInstalled && LabProgram.curl.isInstalled
        ? nil : "needs \(alertmanagerServer) and \(LabProgram.curl)"

    static let repository: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/NetwardenIntegrationTests/<file>
        return url
    }()
    static func path(_ relative: String) -> String { repository.appendingPathComponent(relative).path }
    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    static let rules = "etc/prometheus/netwarden-rules.yml"
    /// The unit tests; the rules that look back a day have a file of their own, evaluated in
    /// coarser steps so it runs in a second.
    static let ruleTests = ["etc/prometheus/netwarden-rules.test.yml", "etc/prometheus/netwarden-rules.daily.test.yml"]
    static let alertmanager = "etc/alertmanager/alertmanager.yml"
    static let dashboard = "etc/grafana/netwarden-dashboard.json"

    /// Every metric family name the daemon declares, read from the catalogue's sources (the
    /// quoted first argument of each `MetricFamily(`).
    static func catalogue() throws -> Set<String> {
        let directory = path("Sources/NetwardenTelemetry/Families")
        var names: Set<String> = []
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) where file.hasSuffix(".swift") {
            let source = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
            for match in source.matches(of: /MetricFamily\(\s*"([a-z_:][a-z0-9_:]*)"/) {
                names.insert(String(match.output.1))
            }
        }
        return names
    }

    /// The netwarden and blackbox-style metric names a PromQL expression reads (the rules' own
    /// `netwarden_rule` label, in their `ignoring (...)` lists, is not one).
    static func metricNames(in expression: String) -> Set<String> {
        Set(expression.matches(of: /\b((?:netwarden|probe)_[a-z0-9_]+)\b/).map { String($0.output.1) })
            .subtracting(["netwarden_rule"])
    }

    /// The alerting rules' names and expressions, read from the rules file's layout (a
    /// `- alert:` line, then a one-line `expr:` or a folded `expr: >-` block).
    static func alertRules() throws -> [(name: String, expression: String, block: String)] {
        let text = try text(rules)
        return text.components(separatedBy: "      - alert: ").dropFirst().map { block in
            let name = String(block.prefix { $0 != "\n" })
            let afterExpr = block.components(separatedBy: "expr: ").dropFirst().first ?? ""
            var lines = afterExpr.split(separator: "\n", omittingEmptySubsequences: false)
            var expression = String(lines.removeFirst())
            if expression == ">-" {
                expression = lines.prefix { $0.hasPrefix("          ") }.map { $0.trimmingCharacters(in: .whitespaces) }
                    .joined(separator: " ")
            }
            return (name, expression, block)
        }
    }

    @Test(.enabled(if: missingPromtool == nil, "\(missingPromtool ?? "")"))
    func promtoolAcceptsTheRules() async throws {
        let output = try await Command("promtool", "check", "rules", Self.path(Self.rules)).run(check: false)
        #expect(output.succeeded, "\(output.standardOutputText)\(output.standardErrorText)")
        #expect(output.standardOutputText.contains("SUCCESS"))
    }

    /// Firing on time, riding out flaps, resolving, school offline for the silent school only;
    /// the cases are described in the test file itself.
    @Test(.enabled(if: missingPromtool == nil, "\(missingPromtool ?? "")"))
    func theRulesPassTheirUnitTests() async throws {
        let output = try await Command(["promtool", "test", "rules"] + Self.ruleTests.map(Self.path)).run(check: false)
        #expect(output.succeeded, "\(output.standardOutputText)\(output.standardErrorText)")
    }

    @Test func everyShippedDefaultHasARuleAndEveryRuleATest() throws {
        let rules = try Self.alertRules()
        let mirrored = Set(
            rules.compactMap { $0.block.firstMatch(of: /netwarden_rule: ([a-z_]+)/).map { String($0.output.1) } }
        )
        for rule in AlertRuleSettings.shippedDefaults {
            #expect(mirrored.contains(rule.name), "no Prometheus rule mirrors the daemon's \(rule.name)")
        }
        #expect(rules.contains { $0.name == "NetwardenSchoolOffline" })
        #expect(rules.contains { $0.name == "NetwardenUplinkDown" })

        let tests = try Self.ruleTests.map(Self.text).joined()
        for rule in rules {
            // Identity labels, a severity and a summary naming the school on every alert.
            #expect(rule.block.contains("severity: "), "\(rule.name) has no severity")
            #expect(
                rule.block.contains("summary: \"{{ $labels.site }}"),
                "\(rule.name)'s summary does not name the site"
            )
            #expect(rule.block.contains("description: "), "\(rule.name) has no description")
            #expect(tests.contains("alertname: \(rule.name)\n"), "\(rule.name) has no unit test")
            // ...and a test where it fires, with the labels Alertmanager inhibits on.
            let cases = tests.components(separatedBy: "alertname: \(rule.name)\n").dropFirst()
            #expect(
                cases.contains { $0.hasPrefix("    exp_alerts:\n    - exp_labels:") && $0.contains("site: ") },
                "\(rule.name) is never tested firing with a site label"
            )
        }
    }

    @Test func theRulesReadOnlyCatalogueMetrics() throws {
        let catalogue = try Self.catalogue()
        #expect(catalogue.contains("probe_success") && catalogue.count > 50)
        for rule in try Self.alertRules() {
            #expect(!Self.metricNames(in: rule.expression).isEmpty, "\(rule.name): \(rule.expression)")
            for name in Self.metricNames(in: rule.expression) {
                #expect(catalogue.contains(name), "\(rule.name) reads \(name), which the daemon does not publish")
            }
        }
    }

    @Test(.enabled(if: missingAmtool == nil, "\(missingAmtool ?? "")"))
    func amtoolAcceptsTheAlertmanagerExample() async throws {
        let file = Self.path(Self.alertmanager)
        let check = try await Command("amtool", "check-config", file).run(check: false)
        #expect(check.succeeded, "\(check.standardOutputText)\(check.standardErrorText)")
        #expect(check.standardOutputText.contains("2 inhibit rules"))
        // A trust's alerts take its route; another trust's the default.
        for (labels, receiver) in [
            (["trust=oak", "site=ash-primary", "alertname=NetwardenProbeDown"], "oak-it-team"),
            (["trust=elm", "site=cedar-academy", "alertname=NetwardenProbeDown"], "it-team"),
        ] {
            let route = try await Command(["amtool", "config", "routes", "test", "--config.file=\(file)"] + labels)
                .run()
            #expect(route.standardOutputText.trimmingCharacters(in: .whitespacesAndNewlines) == receiver, "\(labels)")
        }
    }

    /// A real Alertmanager with the example: a school offline and an uplink down each hold back
    /// their own school's other alerts, and nothing else.
    @Test(.enabled(if: missingAlertmanager == nil, "\(missingAlertmanager ?? "")"))
    func theInhibitionsHoldBackOnlyTheirOwnSchool() async throws {
        let directory = try TemporaryDirectory()
        let port = try Self.unusedLoopbackPort()
        let server = try await BackgroundProcess(
            [
                "prometheus-alertmanager", "--config.file=\(Self.path(Self.alertmanager))",
                "--storage.path=\(directory.path)", "--web.listen-address=127.0.0.1:\(port)",
                "--cluster.listen-address=",
                "--log.level=warn",
            ],
            name: "alertmanager"
        )
        let base = "http://127.0.0.1:\(port)/api/v2/alerts"
        try await server.waitUntilReady { (try? await Command("curl", "-sSf", base).run()) != nil }
        func alert(_ name: String, _ site: String, trust: String = "oak") -> String {
            #"{"labels":{"alertname":"\#(name)","trust":"\#(trust)","site":"\#(site)","gateway":"gw1"}}"#
        }
        let alerts = [
            alert("NetwardenSchoolOffline", "ash-primary"), alert("NetwardenProbeDown", "ash-primary"),
            alert("NetwardenUplinkDown", "birch-high"), alert("NetwardenProbeDown", "birch-high"),
            alert("NetwardenProbeDown", "ash-primary", trust: "elm"), alert("NetwardenHighLoss", "cedar-academy"),
        ]
        try await Command(
            ["curl", "-sSf", "-H", "Content-Type: application/json", "--data-binary", "@-", base],
            standardInput: Array("[\(alerts.joined(separator: ","))]".utf8)
        ).run()
        let expected = [
            "oak/ash-primary/NetwardenSchoolOffline": "active", "oak/ash-primary/NetwardenProbeDown": "suppressed",
            "oak/birch-high/NetwardenUplinkDown": "active", "oak/birch-high/NetwardenProbeDown": "suppressed",
            "elm/ash-primary/NetwardenProbeDown": "active", "oak/cedar-academy/NetwardenHighLoss": "active",
        ]
        var states: [String: String] = [:]
        for _ in 0..<100 {  // inhibition is computed as the alerts arrive; allow it a moment
            let body = try await Command("curl", "-sSf", base).run().standardOutput
            let list = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [[String: Any]])
            states = [:]
            for item in list {
                let labels = item["labels"] as? [String: String] ?? [:]
                let key = [labels["trust"], labels["site"], labels["alertname"]].map { $0 ?? "?" }.joined(
                    separator: "/"
                )
                states[key] = (item["status"] as? [String: Any])?["state"] as? String
            }
            if states == expected { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(states == expected)
        await server.terminate()
    }

    static func unusedLoopbackPort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        try #require(bound, "bind/getsockname on loopback failed (errno \(errno))")
        return UInt16(bigEndian: address.sin_port)
    }

    /// Without amtool, at least the parts this project relies on: grouping per school and the two
    /// inhibitions on trust and site.
    @Test func theAlertmanagerExampleGroupsPerSchoolAndInhibits() throws {
        let text = try Self.text(Self.alertmanager)
        #expect(text.contains("group_by: [trust, site]"))
        let inhibitions = try #require(text.components(separatedBy: "inhibit_rules:").dropFirst().first)
        for source in ["NetwardenSchoolOffline", "NetwardenUplinkDown"] {
            let rule = try #require(
                inhibitions.components(separatedBy: "  - source_matchers:").first {
                    $0.contains("alertname=\"\(source)\"")
                },
                "no inhibition by \(source)"
            )
            #expect(rule.contains("equal: [trust, site]"))
            #expect(rule.contains("target_matchers:"))
        }
    }

    /// The dashboard's queries, with Grafana's variables given values so Prometheus can parse them.
    static func dashboardExpressions() throws -> [(title: String, expression: String)] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path(dashboard)))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var found: [(String, String)] = []
        func walk(_ panels: [[String: Any]]) {
            for panel in panels {
                let title = panel["title"] as? String ?? "?"
                for target in panel["targets"] as? [[String: Any]] ?? [] {
                    if let expr = target["expr"] as? String { found.append((title, expr)) }
                }
                walk(panel["panels"] as? [[String: Any]] ?? [])
            }
        }
        walk(json["panels"] as? [[String: Any]] ?? [])
        return found.map { title, expression in
            var text = expression
            for (variable, value) in [
                ("${trust}", "oak"), ("$trust", "oak"), ("${site}", "ash-primary"), ("$site", "ash-primary"),
                ("$__rate_interval", "1m"), ("$__range", "1h"), ("$__interval", "1m"),
            ] {
                text = text.replacingOccurrences(of: variable, with: value)
            }
            return (title, text)
        }
    }

    @Test func theDashboardIsGrafanaJSONWithItsVariables() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.path(Self.dashboard)))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((json["schemaVersion"] as? Int ?? 0) >= 36)
        let inputs = json["__inputs"] as? [[String: Any]] ?? []
        #expect(
            inputs.contains { $0["name"] as? String == "DS_PROMETHEUS" && $0["pluginId"] as? String == "prometheus" }
        )
        let variables = (json["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        for name in ["trust", "site"] {
            #expect(variables.contains { $0["name"] as? String == name }, "no $\(name) variable")
        }
        // Every query goes to the input's datasource, so importing asks for it once.
        let text = String(decoding: data, as: UTF8.self)
        let sources = text.matches(of: /"type": "prometheus",\s*"uid": "([^"]*)"/).map { String($0.output.1) }
        #expect(sources.count >= 10 && Set(sources) == ["${DS_PROMETHEUS}"], "\(Set(sources))")
        let expressions = try Self.dashboardExpressions()
        #expect(expressions.count >= 10)
        let catalogue = try Self.catalogue()
        for (title, expression) in expressions {
            for name in Self.metricNames(in: expression) {
                #expect(catalogue.contains(name), "panel \(title) reads \(name), which the daemon does not publish")
            }
        }
    }

    /// Each query wrapped as a recording rule, so promtool's parser judges it without a server.
    @Test(.enabled(if: missingPromtool == nil, "\(missingPromtool ?? "")"))
    func everyDashboardQueryParses() async throws {
        let directory = try TemporaryDirectory()
        var file = "groups:\n  - name: dashboard\n    rules:\n"
        for (index, item) in try Self.dashboardExpressions().enumerated() {
            let quoted = item.expression.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: " ")
            file += "      - record: netwarden:dashboard:query_\(index)\n        expr: \"\(quoted)\"\n"
        }
        let path = directory.path + "/dashboard-rules.yml"
        try file.write(toFile: path, atomically: true, encoding: .utf8)
        let output = try await Command("promtool", "check", "rules", path).run(check: false)
        #expect(output.succeeded, "\(output.standardOutputText)\(output.standardErrorText)\n\(file)")
    }
}
