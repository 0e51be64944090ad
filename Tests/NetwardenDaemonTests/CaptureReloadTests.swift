import NetwardenCore
import NetwardenDaemon
import NetwardenTelemetry
import Testing

/// A reload reaches capture for every setting family capture depends on: the judge's site and
/// the pseudonym key's location as much as `[capture]` and `[filter]`.
struct CaptureReloadTests {
    static let base = RuntimeSettings(
        identity: AgentIdentity(trust: "oak", site: "north", gateway: "gw1"),
        uplinks: ["eth0"],
        uplinksAreAutomatic: false,
        lan: ["lan0"],
        stateDirectory: "/var/lib/netwarden",
        logLevel: .info,
        statusInterval: .seconds(30),
        linkEnabled: true,
        linkInterval: .seconds(10),
        source: "n.toml"
    )

    static func action(_ change: (inout RuntimeSettings) -> Void) -> CaptureReload {
        var new = base
        change(&new)
        return CaptureReload.action(from: base, to: new)
    }

    @Test func identityChangesRestartCaptureSoTheJudgeUsesTheNewSite() {
        #expect(Self.action { $0.identity.site = "south" } == .restart)
        #expect(Self.action { $0.identity.trust = "elm" } == .restart)
        #expect(Self.action { $0.identity.gateway = "gw2" } == .restart)
    }

    @Test func aNewStateDirectoryRestartsCaptureSoThePseudonymKeyIsReadFromIt() {
        #expect(Self.action { $0.stateDirectory = "/srv/netwarden" } == .restart)
    }

    @Test func captureAndLANChangesRestartCapture() {
        #expect(Self.action { $0.capture.sampleOneIn = 4 } == .restart)
        #expect(Self.action { $0.lan = ["lan1"] } == .restart)
    }

    @Test func filterChangesBeyondTheListsRestartAndListsAloneAreSwapped() {
        #expect(Self.action { $0.filter.resolvers = ["10.0.0.53"] } == .restart)
        #expect(Self.action { $0.filter.pseudonymKeyFile = "/etc/netwarden/key" } == .restart)
        #expect(
            Self.action {
                $0.filter.categories = [.init(name: "gambling", policy: .mustBlock, lists: ["/etc/g.txt"])]
            } == .swapCategories
        )
    }

    @Test func settingsCaptureDoesNotUseLeaveItRunning() {
        #expect(Self.action { $0.linkInterval = .seconds(30) } == .none)
        #expect(Self.action { $0.logLevel = .debug } == .none)
        #expect(Self.action { $0.uplinks = ["eth1"] } == .none)
    }
}
