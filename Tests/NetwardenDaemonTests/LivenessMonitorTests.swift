import NetwardenDaemon
import Testing

@Suite struct LivenessMonitorTests {
    @Test func readinessWaitsForEveryPartsFirstBeat() {
        let monitor = LivenessMonitor()
        monitor.register("a", maxSilence: .seconds(10))
        monitor.register("b", maxSilence: .seconds(10))
        #expect(!monitor.allStarted)
        monitor.beat("a")
        #expect(!monitor.allStarted)
        monitor.beat("b")
        #expect(monitor.allStarted)
    }

    @Test func aSilentPartIsStaleAfterItsAllowance() {
        let monitor = LivenessMonitor()
        let start = ContinuousClock.now
        monitor.register("sampler", maxSilence: .seconds(30))
        monitor.register("never", maxSilence: .seconds(5))
        monitor.beat("sampler", at: start)
        #expect(monitor.staleParts(now: start + .seconds(4), since: start).isEmpty)
        #expect(monitor.staleParts(now: start + .seconds(6), since: start) == ["never"])
        #expect(monitor.staleParts(now: start + .seconds(31), since: start) == ["never", "sampler"])
        monitor.beat("sampler", at: start + .seconds(31))
        monitor.unregister("never")
        #expect(monitor.staleParts(now: start + .seconds(32), since: start).isEmpty)
    }
}
