import Foundation
import Glibc
import NetwardenTestSupport
import Synchronization
import Testing

/// `LabSocket` owns exactly one descriptor. A refused connect (every readiness poll and every
/// /metrics scrape before the endpoint listens) must close it once: a second close hits
/// whatever another test opened under the same number meanwhile, which then fails with EBADF
/// or "Socket operation on non-socket".
@Suite(.timeLimit(.minutes(1))) struct LabSocketTests {
    @Test func aRefusedConnectClosesItsDescriptorOnce() async throws {
        let port = try SilentTCPListener.closedPort()
        let stop = Atomic<Bool>(false)
        let damaged = Atomic<Int>(0)
        let checked = Atomic<Int>(0)
        let finished = Atomic<Bool>(false)
        // Another thread keeps opening socket pairs and using them, so a stray close lands on one.
        Thread.detachNewThread {
            while !stop.load(ordering: .acquiring) {
                var pair: [Int32] = [-1, -1]
                guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0
                else { continue }
                var byte: UInt8 = 7
                for _ in 0..<20 {
                    if send(pair[0], &byte, 1, Int32(MSG_NOSIGNAL)) != 1 || recv(pair[1], &byte, 1, 0) != 1 {
                        damaged.add(1, ordering: .relaxed)
                        break
                    }
                }
                checked.add(1, ordering: .relaxed)
                close(pair[0])
                close(pair[1])
            }
            finished.store(true, ordering: .releasing)
        }
        for _ in 0..<20_000 {
            _ = try? LabSocket(
                connectingTo: "127.0.0.1",
                port: port,
                type: Int32(SOCK_STREAM.rawValue),
                timeout: .seconds(1)
            )
        }
        stop.store(true, ordering: .releasing)
        while !finished.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(checked.load(ordering: .relaxed) > 0)
        #expect(damaged.load(ordering: .relaxed) == 0, "socket pairs broken by a stray close")
    }
}
