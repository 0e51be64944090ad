import NetwardenCore
import NetwardenDaemon
import Testing

/// A failed probe's detail names the cause, not curl's connection bookkeeping.
@Suite(.timeLimit(.minutes(1))) struct ProbeDetailTests {
    @Test func aRefusedHTTPProbeSaysWhyWithoutClosingConnection() async {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        let spec = ProbeSpec(name: "web", options: .http(.init(url: "http://127.0.0.1:1/")), timeout: .seconds(5))
        let outcome = await ProbeRunner().run(spec)
        #expect(!outcome.success)
        let detail = outcome.detail ?? ""
        #expect(!detail.contains("Closing connection"), "\(detail)")
        #expect(detail.contains("127.0.0.1"), "\(detail)")
    }
}
