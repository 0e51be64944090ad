/// Recognises the first client payload of common VPN handshakes, so the filtering layer can flag
/// bypass attempts on flows that carry no name at all.
///
/// Only opening messages are matched, with every fixed field the protocol defines checked, to
/// keep false positives on arbitrary UDP low. Tor is deliberately absent: its TLS looks like any
/// other TLS, and the filtering layer recognises it from the relay list instead.
enum TunnelSignatureDetector {
    /// WireGuard handshake initiation: type 1, three reserved zero bytes, 148 bytes in all.
    static let wireGuardInitiationLength = 148
    /// OpenVPN P_CONTROL_HARD_RESET_CLIENT_V2 and _V3 opcodes (high five bits of the first byte).
    static let openVPNClientResetV2: UInt8 = 7
    static let openVPNClientResetV3: UInt8 = 10
    /// IKEv2 IKE_SA_INIT exchange type and the version byte of IKEv2 (major 2, minor 0).
    static let ikeSAInit: UInt8 = 34
    static let ikeVersion2: UInt8 = 0x20

    /// The tunnel a UDP flow's first client datagram opens, if recognised.
    static func udp(_ payload: UnsafeRawBufferPointer, serverPort: UInt16) -> TunnelSignature? {
        if isWireGuardInitiation(payload) { return .wireguard }
        if serverPort == 500, isIKESAInit(payload) { return .ike }
        if serverPort == 4500, payload.count > 4, payload[0] == 0, payload[1] == 0, payload[2] == 0,
            payload[3] == 0, isIKESAInit(UnsafeRawBufferPointer(rebasing: payload[4...]))
        {
            return .ike
        }
        if isOpenVPNClientReset(payload) { return .openvpn }
        return nil
    }

    /// The tunnel a TCP flow's first client segment opens, if recognised.
    static func tcp(_ payload: UnsafeRawBufferPointer) -> TunnelSignature? {
        // OpenVPN over TCP prefixes each packet with its 16-bit length.
        guard payload.count >= 2 else { return nil }
        let length = Int(payload[0]) << 8 | Int(payload[1])
        guard length >= 14, length <= 1500 else { return nil }
        return isOpenVPNClientReset(UnsafeRawBufferPointer(rebasing: payload[2...])) ? .openvpn : nil
    }

    private static func isWireGuardInitiation(_ payload: UnsafeRawBufferPointer) -> Bool {
        payload.count == wireGuardInitiationLength && payload[0] == 1 && payload[1] == 0 && payload[2] == 0
            && payload[3] == 0
    }

    /// Opcode 7 or 10 with key ID 0, then an 8-byte session ID and (without tls-auth) a packet-ID
    /// array; 14 bytes is the least a client reset can be, and they fit one datagram.
    private static func isOpenVPNClientReset(_ packet: UnsafeRawBufferPointer) -> Bool {
        guard packet.count >= 14, packet.count <= 1500 else { return false }
        let opcode = packet[0] >> 3
        let keyID = packet[0] & 0x07
        return keyID == 0 && (opcode == openVPNClientResetV2 || opcode == openVPNClientResetV3)
    }

    /// IKE header (RFC 7296 3.1): initiator SPI non-zero, responder SPI zero (nothing agreed yet),
    /// version 2.0, exchange IKE_SA_INIT, message ID 0, and a length that matches the datagram.
    private static func isIKESAInit(_ message: UnsafeRawBufferPointer) -> Bool {
        guard message.count >= 28 else { return false }
        var initiatorSPI: UInt64 = 0
        var responderSPI: UInt64 = 0
        for index in 0..<8 {
            initiatorSPI = initiatorSPI << 8 | UInt64(message[index])
            responderSPI = responderSPI << 8 | UInt64(message[8 + index])
        }
        guard initiatorSPI != 0, responderSPI == 0, message[17] == ikeVersion2, message[18] == ikeSAInit else {
            return false
        }
        let messageID =
            UInt32(message[20]) << 24 | UInt32(message[21]) << 16 | UInt32(message[22]) << 8
            | UInt32(message[23])
        let length = Int(message[24]) << 24 | Int(message[25]) << 16 | Int(message[26]) << 8 | Int(message[27])
        return messageID == 0 && length == message.count
    }
}
