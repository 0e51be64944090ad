import NetwardenCore
import Testing

@Suite(.timeLimit(.minutes(1)))
struct RetryAfterTests {
    /// 1994-11-06 08:49:37 UTC, the RFC's own example date.
    let rfcExample: Int64 = 784_111_777

    @Test func deltaSeconds() {
        #expect(RetryAfter.delay("120", now: 0) == .seconds(120))
        #expect(RetryAfter.delay("0", now: 0) == .zero)
        #expect(RetryAfter.delay(" 7 ", now: 0) == .seconds(7))
        #expect(RetryAfter.delay("99999999999999999999999", now: 0) == .seconds(Int64.max))
    }

    @Test func allThreeHTTPDateForms() {
        let now = rfcExample - 90
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:49:37 GMT", now: now) == .seconds(90))
        #expect(RetryAfter.delay("Sunday, 06-Nov-94 08:49:37 GMT", now: now) == .seconds(90))
        #expect(RetryAfter.delay("Sun Nov  6 08:49:37 1994", now: now) == .seconds(90))
        #expect(RetryAfter.secondsSinceEpoch(httpDate: "Thu, 01 Jan 1970 00:00:00 GMT", now: 0) == 0)
        #expect(RetryAfter.secondsSinceEpoch(httpDate: "Tue, 29 Feb 2028 23:59:60 GMT", now: 0) == 1_835_481_600)
    }

    @Test func aDateInThePastMeansRetryNow() {
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:49:37 GMT", now: rfcExample + 3600) == .zero)
    }

    @Test func twoDigitYearsAreTheMostRecentPast() {
        // RFC 850 dates: "94" read in 2026 is 1994, "30" is 2030 (less than 50 years ahead).
        let now2026: Int64 = 1_780_000_000
        #expect(RetryAfter.secondsSinceEpoch(httpDate: "Sunday, 06-Nov-94 08:49:37 GMT", now: now2026) == rfcExample)
        let in2030 = RetryAfter.secondsSinceEpoch(httpDate: "Friday, 01-Feb-30 00:00:00 GMT", now: now2026)
        #expect(in2030 == 1_896_134_400)
    }

    @Test(arguments: [
        "", "  ", "-5", "1.5", "soon", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Nov 1994 25:00:00 GMT",
        "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 6 Nov 1994 08:49:37 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 8:49:37 GMT", "Sun Nov  6 08:49:37",
    ])
    func unreadableValuesAreNil(value: String) {
        #expect(RetryAfter.delay(value, now: rfcExample) == nil)
    }
}
