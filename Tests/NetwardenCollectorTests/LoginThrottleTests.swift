import NetwardenCollectorCore
import Testing

/// The throttle's rules on a hand-driven clock.
struct LoginThrottleTests {
    let policy = LoginThrottle.Policy(
        userFailures: 3,
        addressFailures: 5,
        lockSeconds: 10,
        maximumLockSeconds: 25,
        windowSeconds: 60
    )

    @Test func locksAfterTheLimitDoublesAndClearsOnSuccess() {
        let throttle = LoginThrottle(policy: policy)
        #expect(throttle.failed(user: "a", address: "192.0.2.1", now: 0) == nil)
        #expect(throttle.failed(user: "a", address: "192.0.2.1", now: 1) == nil)
        #expect(
            throttle.failed(user: "a", address: "192.0.2.1", now: 2)
                == LoginThrottle.Lock(retryAfterSeconds: 10, scope: "user")
        )
        #expect(
            throttle.check(user: "a", address: "192.0.2.9", now: 5)
                == LoginThrottle.Lock(retryAfterSeconds: 7, scope: "user")
        )
        #expect(throttle.check(user: "b", address: "192.0.2.9", now: 5) == nil)
        #expect(throttle.check(user: "a", address: nil, now: 12) == nil)
        // The next lock without a success in between is twice as long, then capped.
        for second in 12..<15 { throttle.failed(user: "a", address: nil, now: Double(second)) }
        #expect(
            throttle.check(user: "a", address: nil, now: 14.5)
                == LoginThrottle.Lock(retryAfterSeconds: 20, scope: "user")
        )
        for second in 40..<43 { throttle.failed(user: "a", address: nil, now: Double(second)) }
        #expect(
            throttle.check(user: "a", address: nil, now: 42) == LoginThrottle.Lock(retryAfterSeconds: 25, scope: "user")
        )
        throttle.succeeded(user: "a", address: nil)
        #expect(throttle.check(user: "a", address: nil, now: 42) == nil)
        #expect(throttle.counters == LoginThrottle.Counters(failures: 9, refused: 3, locks: 3))
    }

    @Test func oldFailuresAreForgottenAndAddressesHaveTheirOwnLimit() {
        let throttle = LoginThrottle(policy: policy)
        throttle.failed(user: "a", address: nil, now: 0)
        throttle.failed(user: "a", address: nil, now: 1)
        // Outside the window the count starts again.
        #expect(throttle.failed(user: "a", address: nil, now: 100) == nil)
        for index in 0..<4 { #expect(throttle.failed(user: "u\(index)", address: "192.0.2.7", now: 200) == nil) }
        #expect(
            throttle.failed(user: "u9", address: "192.0.2.7", now: 200)
                == LoginThrottle.Lock(retryAfterSeconds: 10, scope: "address")
        )
        #expect(throttle.check(user: "anyone", address: "192.0.2.7", now: 201)?.scope == "address")
        #expect(throttle.check(user: "anyone", address: "192.0.2.8", now: 201) == nil)
    }
}
