/// Collects the ClientHello a QUIC client spreads over its Initial packets, then parses it with
/// the same `TLSClientHello` parser TCP uses (QUIC carries bare handshake messages, no records).
///
/// One instance per client connection attempt; the caller keys flows (by the client's first
/// Destination Connection ID, or by 5-tuple) and feeds only client→server datagrams. Packets
/// may arrive in any order (the second Initial before the first), may be coalesced with 0-RTT or
/// Handshake packets in one datagram (those are skipped by their Length), and CRYPTO frames may
/// repeat or overlap; data is placed by CRYPTO offset.
///
/// Which keys open which Initial (RFC 9001 §5.2, RFC 9000 §7.2): a client's Initial keys come
/// from the DCID of its *first* Initial, and stay those after the server's Initial makes the
/// client switch to a server-chosen DCID; only a Retry (or a fresh attempt after Version
/// Negotiation) makes the client derive new keys from the DCID it then sends. So an Initial with
/// a DCID other than the first is opened with the first DCID's keys, and if they do not
/// authenticate, with keys derived from its own DCID. The capture may lack the Retry (or show it
/// after the Initial it caused), so the packet itself decides, not the server's packets.
///
/// Key cache: a derivation costs about ten HMAC-SHA256 computations while opening a packet costs
/// one AES block plus the GCM pass, so both key sets (the first DCID's and the latest other
/// DCID's, each with its version) are kept and reused for as long as the connection lasts. The
/// CRYPTO data gathered so far is kept across a key change, since a client repeats the same
/// ClientHello after a Retry.
///
/// Allocation story: the 16 KiB CRYPTO buffer, the DCID array and the header scratch are
/// allocated once in `init` and reused by `reset()`; per packet only swift-crypto's plaintext
/// buffer is allocated. Not thread-safe: one capture core owns it.
public final class QUICInitialReassembler {
    /// Where the connection's ClientHello stands after a datagram.
    public enum Result: Sendable, Equatable {
        /// Keep feeding datagrams.
        case needMore
        /// The ClientHello is complete. Terminal.
        case complete(TLSClientHello)
        /// The datagram starts with no QUIC long header (short header, noise). Not terminal.
        case notQUIC
        /// A QUIC long header of a version we cannot open (0 is Version Negotiation). Not terminal.
        case unsupportedVersion(UInt32)
        /// Initial packets were present but none authenticated (wrong keys, corruption, or a
        /// server's Initial fed in by mistake). Not terminal.
        case undecryptable
        /// The ClientHello declares more than `capacity` bytes. Terminal.
        case tooLarge
        /// The CRYPTO stream does not hold a well-formed ClientHello. Terminal.
        case malformed
    }

    /// Same bound as TCP: QUIC ClientHellos with post-quantum key shares span two or three Initials.
    public static let defaultCapacity = 16 * 1024

    private var buffer: HandshakeAssemblyBuffer
    /// Keys from `originalDCID` and `version`.
    private var originalKeys: QUICInitialKeys?
    /// Keys from the latest other DCID an Initial authenticated with (after a Retry), or were
    /// derived for it; `otherDCID` is that DCID.
    private var otherKeys: QUICInitialKeys?
    private var otherDCID: [UInt8] = []
    private var headerScratch: [UInt8] = []
    private var plaintextScratch: [UInt8] = []
    private var largestPacketNumber: Int64 = -1
    private var terminal: Result?

    /// The first Destination Connection ID this connection's client used (empty before any Initial).
    public private(set) var originalDCID: [UInt8] = []
    /// The version of the Initials being reassembled.
    public private(set) var version: QUICVersion?
    /// Initial packets opened / refused by AEAD, and key derivations done (for counters and tests).
    public private(set) var packetsOpened = 0
    public private(set) var packetsFailed = 0
    public private(set) var keyDerivations = 0

    public init(capacity: Int = QUICInitialReassembler.defaultCapacity) {
        buffer = HandshakeAssemblyBuffer(capacity: capacity)
        otherDCID.reserveCapacity(QUICVersion.maxConnectionIDLength)
        originalDCID.reserveCapacity(QUICVersion.maxConnectionIDLength)
        headerScratch.reserveCapacity(128)
    }

    /// Forgets the current connection, keeping every buffer for the next one.
    public func reset() {
        buffer.reset()
        originalKeys = nil
        otherKeys = nil
        otherDCID.removeAll(keepingCapacity: true)
        originalDCID.removeAll(keepingCapacity: true)
        largestPacketNumber = -1
        terminal = nil
        version = nil
        packetsOpened = 0
        packetsFailed = 0
        keyDerivations = 0
    }

    /// Feeds one client→server UDP payload.
    public func ingest(datagram: UnsafeRawBufferPointer) -> Result {
        if let terminal { return terminal }
        var offset = 0
        var sawLongHeader = false
        var sawInitial = false
        var openedAny = false
        while offset < datagram.count {
            let rest = UnsafeRawBufferPointer(rebasing: datagram[offset...])
            guard let header = QUICLongHeader.parse(rest) else {
                // A short header or trailing padding ends the long-header packets of a datagram.
                if !sawLongHeader, let unsupported = Self.unsupportedVersion(rest) { return unsupported }
                break
            }
            sawLongHeader = true
            guard header.packetLength > header.packetNumberOffset, header.packetLength <= rest.count else { break }
            let packet = UnsafeRawBufferPointer(rebasing: rest[0..<header.packetLength])
            if header.kind == .initial {
                sawInitial = true
                if openInitial(packet, header: header) { openedAny = true }
            }
            offset += header.packetLength
        }
        if !sawLongHeader { return .notQUIC }
        if sawInitial && !openedAny { return .undecryptable }
        let result = evaluate()
        if result != .needMore { terminal = result }
        return result
    }

    /// Opens one Initial and files its CRYPTO data; `false` when it did not authenticate.
    private func openInitial(_ packet: UnsafeRawBufferPointer, header: QUICLongHeader) -> Bool {
        if openWithEitherKeys(packet, header: header) { return true }
        packetsFailed += 1
        return false
    }

    private func openWithEitherKeys(_ packet: UnsafeRawBufferPointer, header: QUICLongHeader) -> Bool {
        guard let packetVersion = QUICVersion.known(header.version) else { return false }
        let dcid = UnsafeRawBufferPointer(rebasing: packet[header.dcidRange])
        if originalDCID.isEmpty {
            originalDCID.append(contentsOf: dcid)
            version = packetVersion
            originalKeys = derive(packetVersion, dcid)
        }
        if packetVersion.rawValue == version?.rawValue, let originalKeys {
            if open(packet, header: header, keys: originalKeys) { return true }
            // The first DCID's keys are the only right ones for a packet that carries that DCID.
            if originalDCID.elementsEqual(dcid) { return false }
        }
        // After a Retry or Version Negotiation: keys from this packet's own DCID.
        let keys: QUICInitialKeys
        if let otherKeys, otherKeys.version.rawValue == packetVersion.rawValue, otherDCID.elementsEqual(dcid) {
            keys = otherKeys
        } else {
            keys = derive(packetVersion, dcid)
            otherKeys = keys
            otherDCID.removeAll(keepingCapacity: true)
            otherDCID.append(contentsOf: dcid)
        }
        return open(packet, header: header, keys: keys)
    }

    private func derive(_ version: QUICVersion, _ dcid: UnsafeRawBufferPointer) -> QUICInitialKeys {
        keyDerivations += 1
        return QUICInitialKeys(version: version, originalDCID: dcid, sender: .client)
    }

    /// Opens `packet` with `keys`; on success files its CRYPTO frames and counts it.
    private func open(_ packet: UnsafeRawBufferPointer, header: QUICLongHeader, keys: QUICInitialKeys) -> Bool {
        let opened = QUICInitialPacket.open(
            packet,
            header: header,
            keys: keys,
            largestPacketNumber: largestPacketNumber,
            headerScratch: &headerScratch,
            plaintextScratch: &plaintextScratch
        ) { packetNumber, plaintext in
            // Frames after CRYPTO that we do not walk past are fine: what we need is already filed.
            _ = QUICCryptoFrames.scan(plaintext) { cryptoOffset, data in
                _ = buffer.insert(data, at: Int(cryptoOffset))
            }
            return packetNumber
        }
        switch opened {
        case .success(let packetNumber):
            packetsOpened += 1
            largestPacketNumber = max(largestPacketNumber, packetNumber)
            return true
        case .failure:
            return false
        }
    }

    private func evaluate() -> Result {
        let stream = buffer.contiguous
        var reader = ByteReader(stream)
        guard let type = reader.readUInt8() else { return .needMore }
        guard type == TLSClientHello.handshakeType else { return .malformed }
        guard let declared = reader.readUInt24() else { return .needMore }
        let messageLength = 4 + Int(declared)
        guard messageLength <= buffer.capacity else { return .tooLarge }
        guard stream.count >= messageLength else { return .needMore }
        switch TLSClientHello.parse(handshake: UnsafeRawBufferPointer(rebasing: stream[0..<messageLength])) {
        case .clientHello(let hello): return .complete(hello)
        case .needMore, .notClientHello, .malformed: return .malformed
        }
    }

    /// A long header whose version we do not know, reported so capture can count it by version.
    private static func unsupportedVersion(_ bytes: UnsafeRawBufferPointer) -> Result? {
        var reader = ByteReader(bytes)
        guard let first = reader.readUInt8(), first & 0x80 != 0, let version = reader.readUInt32(),
            QUICVersion.known(version) == nil
        else { return nil }
        return .unsupportedVersion(version)
    }
}
