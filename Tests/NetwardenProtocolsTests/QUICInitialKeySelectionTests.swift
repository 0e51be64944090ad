import NetwardenProtocols
import NetwardenTestSupport
import Testing

/// Which Initials the reassembler opens, and with which keys: every published version, 0-RTT
/// packets ahead of the Initial, and clients whose later Initials carry another DCID.
@Suite struct QUICInitialKeySelectionTests {
    private let firstDCID: [UInt8] = [0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8]
    private let serverCID: [UInt8] = [0x5e, 0x5e, 0x01, 0x02]
    private let retryCID: [UInt8] = [0x7e, 0x7e, 0x7e, 0x7e, 0x7e, 0x7e, 0x7e, 0x7e, 0x7e, 0x7e]

    private func hello(_ name: String) -> [UInt8] {
        var builder = TLSClientHelloBuilder(serverName: name, alpn: ["h3"])
        builder.keyShareLength = 1216  // two Initials' worth, like current browsers
        return builder.handshakeMessage()
    }

    private func feed(_ reassembler: QUICInitialReassembler, _ datagram: [UInt8]) -> QUICInitialReassembler.Result {
        datagram.withUnsafeBytes { reassembler.ingest(datagram: $0) }
    }

    /// v1, v2 and every draft from 22 to 34.
    static let publishedVersions: [QUICVersion] = [.v1, .v2] + (22...34).compactMap { QUICVersion.draft($0) }

    @Test func theTableHoldsEveryDraftFrom22To34() {
        #expect(Self.publishedVersions.count == 15)
        for number in 22...34 {
            #expect(QUICVersion.known(0xff00_0000 | UInt32(number))?.description == "draft-\(number)")
        }
        #expect(QUICVersion.known(0xff00_0015) == nil)  // draft-21: the old long header
        #expect(QUICVersion.known(0xff00_0023) == nil)  // never published
        #expect(QUICVersion.known(0x5130_3530) == nil)  // Google "Q050": not TLS
    }

    @Test(arguments: publishedVersions)
    func aHelloOverTwoInitialsOpensInEveryVersion(version: QUICVersion) {
        let packets = QUICInitialBuilder(version: version, dcid: firstDCID, scid: serverCID)
            .packets(carrying: hello("v\(version.rawValue).example"), chunkSize: 1000)
        #expect(packets.count == 2)
        let reassembler = QUICInitialReassembler()
        #expect(feed(reassembler, packets[0]) == .needMore)
        expectHello(named: "v\(version.rawValue).example", in: feed(reassembler, packets[1]))
        #expect(reassembler.version == version)
    }

    @Test(arguments: [QUICVersion.v1, .v2])
    func zeroRTTAheadOfTheInitialIsSkippedAndNotReadAsIt(version: QUICVersion) throws {
        let builder = QUICInitialBuilder(version: version, dcid: firstDCID, scid: serverCID)
        // Sealed with the Initial keys: were it taken for an Initial it would open, and its
        // hello (filed first) would win.
        let impostor = builder.seal(
            frames: QUICInitialBuilder.cryptoFrame(offset: 0, data: hello("zero-rtt.example")),
            packetNumber: 0,
            minimumPayloadLength: 1100,
            kind: .zeroRTT
        )
        #expect(try #require(impostor.withUnsafeBytes { QUICLongHeader.parse($0) }).kind == .zeroRTT)
        let initials = builder.packets(carrying: hello("initial.example"), chunkSize: 1000, firstPacketNumber: 1)
        let reassembler = QUICInitialReassembler()
        #expect(feed(reassembler, impostor) == .needMore)
        #expect(feed(reassembler, impostor) == .needMore)
        #expect(feed(reassembler, initials[0]) == .needMore)
        // A 0-RTT packet coalesced ahead of the last Initial, too.
        expectHello(named: "initial.example", in: feed(reassembler, impostor + initials[1]))
        #expect(reassembler.packetsOpened == 2)
        #expect(reassembler.packetsFailed == 0)
    }

    /// After the server's Initial the client writes the server's connection ID, but keeps the
    /// keys of its first DCID (RFC 9001 §5.2).
    @Test(arguments: [QUICVersion.v1, .v2, QUICVersion.draft(27)!])
    func aLaterInitialToTheServersConnectionIDKeepsTheFirstKeys(version: QUICVersion) {
        let message = hello("switched.example")
        let first = QUICInitialBuilder(version: version, dcid: firstDCID)
            .packets(carrying: message, chunkSize: 1000)
        let switched = QUICInitialBuilder(version: version, dcid: serverCID, keyDCID: firstDCID)
            .packets(carrying: message, chunkSize: 1000, firstPacketNumber: 2)
        let reassembler = QUICInitialReassembler()
        #expect(feed(reassembler, first[0]) == .needMore)
        expectHello(named: "switched.example", in: feed(reassembler, switched[1]))
        #expect(reassembler.keyDerivations == 1)
        #expect(reassembler.originalDCID == firstDCID)
    }

    /// After a Retry the client's keys come from the DCID the Retry gave it.
    @Test(arguments: [QUICVersion.v1, .v2])
    func afterARetryTheKeysComeFromTheNewConnectionID(version: QUICVersion) {
        let message = hello("retried.example")
        let first = QUICInitialBuilder(version: version, dcid: firstDCID)
            .packets(carrying: message, chunkSize: 1000)
        let retried = QUICInitialBuilder(version: version, dcid: retryCID, token: [1, 2, 3, 4, 5, 6])
            .packets(carrying: message, chunkSize: 1000, firstPacketNumber: 2)
        let reassembler = QUICInitialReassembler()
        #expect(feed(reassembler, first[0]) == .needMore)
        #expect(feed(reassembler, retried[0]) == .needMore)
        expectHello(named: "retried.example", in: feed(reassembler, retried[1]))
        // The Retry DCID's keys were derived once and kept for its second packet.
        #expect(reassembler.keyDerivations == 2)
        #expect(reassembler.packetsOpened == 3)
        #expect(reassembler.packetsFailed == 0)
    }

    /// A packet with the first DCID that does not authenticate is not retried with other keys.
    @Test func aCorruptedInitialWithTheFirstDCIDIsUndecryptable() {
        var packet = QUICInitialBuilder(dcid: firstDCID).packets(carrying: hello("x.example"), chunkSize: 1000)[0]
        packet[packet.count - 1] ^= 0x80
        let reassembler = QUICInitialReassembler()
        #expect(feed(reassembler, packet) == .undecryptable)
        #expect(reassembler.keyDerivations == 1)
        #expect(reassembler.packetsFailed == 1)
    }
}
