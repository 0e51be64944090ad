import NetwardenProtocols
import NetwardenTestSupport
import Testing

/// Inputs the libFuzzer harnesses in Fuzz/ found, minimised, kept so the bugs stay fixed (the
/// fixes are in f07a0da; each test failed before it). Fuzz/README.md describes the findings.
@Suite struct FuzzRegressionTests {
    // MARK: Finding 1 (FuzzNetlink): a negative errno of Int32.min traps on negation

    /// NLMSG_DONE (type 3, NLM_F_MULTI, sequence 1) whose status is Int32.min. Negating it to make
    /// an errno overflowed and trapped: a corrupt recorded dump or a kernel bug crashed the daemon.
    static let doneWithInt32Min = TestBytes.hex("14000000 0300 0200 01000000 00000000 00000080")
    /// NLMSG_ERROR (type 2, NLM_F_CAPPED) with error Int32.min and the 16-byte echoed header: the
    /// same negation on the error path (found by reading the code next to the fuzzer's finding).
    static let errorWithInt32Min = TestBytes.hex(
        "24000000 0200 0001 01000000 00000000 00000080 10000000 1c00 0500 01000000 00000000"
    )

    @Test func netlinkDoneStatusOfInt32MinIsAKernelErrorNotATrap() async {
        // A trap would take the test runner down with it, so the feed runs in a child process.
        await #expect(processExitsWith: .success) {
            Self.expectKernelError(feeding: Self.doneWithInt32Min)
        }
    }

    @Test func netlinkErrorOfInt32MinIsAKernelErrorNotATrap() async {
        await #expect(processExitsWith: .success) {
            Self.expectKernelError(feeding: Self.errorWithInt32Min)
        }
    }

    /// Feeds one datagram to a dump collector; exits the (child) process non-zero unless that
    /// ends in a `.kernelError`.
    static func expectKernelError(feeding datagram: [UInt8]) {
        var collector = NetlinkReplyCollector(sequence: 1, expectation: .dump)
        let thrown = datagram.withUnsafeBytes { raw -> NetlinkError? in
            do throws(NetlinkError) {
                _ = try collector.feed(raw) { _ throws(NetlinkError) in }
                return nil
            } catch {
                return error
            }
        }
        guard thrown?.code == .kernelError else {
            fatalError("expected a kernel error, got \(String(describing: thrown))")
        }
    }

    // MARK: Finding 2 (FuzzQUICInitial): a long header claiming bytes past the datagram

    /// A QUIC v2 Initial header: empty connection IDs, a token length of 2 with one byte left.
    /// `readQUICVarint(atMost: reader.remaining)` evaluates `remaining` before the varint is read,
    /// so the token and the Length could run up to 8 bytes past the input: `tokenRange` and
    /// `packetLength` then pointed outside the datagram (the reassembler re-checks
    /// `packetLength`, other callers would slice out of bounds).
    static let quicTokenPastDatagram = TestBytes.hex("d7 6b3343cf 00 00 02 01")

    @Test func quicLongHeaderNeverClaimsBytesPastTheDatagram() {
        Self.quicTokenPastDatagram.withUnsafeBytes { raw in
            guard let header = QUICLongHeader.parse(raw) else { return }
            #expect(header.tokenRange.upperBound <= header.packetNumberOffset)
            #expect(header.packetLength <= raw.count)
        }
    }

    // MARK: Finding 3 (FuzzHTTPRequestHead): a line at the length limit, split before its LF

    /// A request whose Host line is exactly `maxLineLength` (48) bytes before CR LF. Cut after
    /// the CR (62 bytes) the parser said `lineTooLong`, because it counted the CR that waits for
    /// its LF; the whole head is accepted. A client whose segment ends between CR and LF was thus
    /// refused, and whether it was depended on segmentation.
    static let hostLineAtLimit = TestBytes.hex(
        """
        45202e20485454502f312e320a486f73743a200977ffffffff78616d706c652e636fffffffffffffffffffffffff
        3a205b3230ffff006462383a3a315d0d0a
        """
    )

    @Test func httpLineAtTheLimitIsNotRejectedBeforeItsLineFeed() {
        let limits = HTTPRequestHead.Limits(maxHeadBytes: 96, maxLineLength: 48, maxHeaderCount: 3)
        Self.hostLineAtLimit.withUnsafeBytes { raw in
            guard case .found = HTTPRequestHead.parse(raw, limits: limits) else {
                Issue.record("the whole head should parse")
                return
            }
            let beforeLineFeed = UnsafeRawBufferPointer(rebasing: raw[0..<raw.count - 1])
            if case .notHTTP(let rejection) = HTTPRequestHead.parse(beforeLineFeed, limits: limits) {
                Issue.record("cut before the LF: \(rejection.name)")
            }
        }
    }
}
