import NetwardenCore
import Testing

@Suite struct HTTPPhaseTimingsTests {
    @Test func httpsTimersBecomeBlackboxPhases() {
        let phases = HTTPPhaseTimings(
            nameLookup: 0.010,
            connect: 0.030,
            appConnect: 0.080,
            startTransfer: 0.130,
            total: 0.150
        )
        #expect(abs(phases.resolve - 0.010) < 1e-12)
        #expect(abs(phases.connect - 0.020) < 1e-12)
        #expect(abs(phases.tls - 0.050) < 1e-12)
        #expect(abs(phases.processing - 0.050) < 1e-12)
        #expect(abs(phases.transfer - 0.020) < 1e-12)
        #expect(abs(phases.total - 0.150) < 1e-12)
    }

    @Test func plainHTTPHasNoTLSPhase() {
        let phases = HTTPPhaseTimings(
            nameLookup: 0.001,
            connect: 0.002,
            appConnect: 0,
            startTransfer: 0.010,
            total: 0.011
        )
        #expect(phases.tls == 0)
        #expect(abs(phases.processing - 0.008) < 1e-12)
    }

    @Test func outOfOrderTimersNeverGoNegativeAndStillSumToTotal() {
        // Reused connections and coarse clocks can report CONNECT < NAMELOOKUP or TOTAL < START.
        let phases = HTTPPhaseTimings(
            nameLookup: 0.005,
            connect: 0.003,
            appConnect: 0.002,
            startTransfer: 0.004,
            total: 0.009
        )
        for (_, value) in phases.labelled { #expect(value >= 0) }
        #expect(abs(phases.total - 0.009) < 1e-12)
    }
}

@Suite struct CertificateDateTests {
    @Test func parsesOpenSSLAndISOStyleDates() {
        #expect(CertificateDate.secondsSinceEpoch("Jan  1 00:00:00 1970 GMT") == 0)
        #expect(CertificateDate.secondsSinceEpoch("Nov 24 10:00:00 2027 GMT") == 1_827_050_400)
        #expect(CertificateDate.secondsSinceEpoch("2027-11-24 10:00:00 GMT") == 1_827_050_400)
        #expect(CertificateDate.secondsSinceEpoch("Feb 29 12:00:00 2028 GMT") == 1_835_438_400)
    }

    @Test func rejectsGarbage() {
        #expect(CertificateDate.secondsSinceEpoch("") == nil)
        #expect(CertificateDate.secondsSinceEpoch("Foo 1 00:00:00 2020 GMT") == nil)
        #expect(CertificateDate.secondsSinceEpoch("2020-13-01 00:00:00") == nil)
        #expect(CertificateDate.secondsSinceEpoch("Jan 1 25:00:00 2020 GMT") == nil)
    }
}
