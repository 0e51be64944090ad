import Glibc
import NetwardenPlatform
import NetwardenProtocols
import Testing

/// The socket machinery against the real kernel, through the controller family ("nlctrl"),
/// which every kernel with generic netlink has: the same request, dump, ACK and error paths
/// nl80211 uses, on a family this lab kernel actually provides.
@Suite(.timeLimit(.minutes(1)))
struct GenericNetlinkSocketTests {
    /// CTRL_CMD_GETFAMILY as a dump: one NEWFAMILY message per registered family.
    private static func familyDump(sequence: UInt32) -> [UInt8] {
        var encoder = NetlinkEncoder()
        encoder.beginMessage(type: GenericNetlinkController.familyID, flags: [.request, .dump], sequence: sequence)
        encoder.appendGenericHeader(command: GenericNetlinkController.commandGetFamily, version: 1)
        return encoder.finishMessage()
    }

    private static func familyName(_ message: NetlinkMessage) throws(NetlinkError) -> String {
        var (_, attributes) = try GenericNetlinkHeader.split(message)
        var name = ""
        while let attribute = attributes.next() {
            if attribute.type == GenericNetlinkController.attributeFamilyName { name = attribute.string }
        }
        if let error = attributes.error { throw error }
        return name
    }

    @Test func theControllerResolvesToItsFixedID() throws {
        let socket = try GenericNetlinkSocket()
        #expect(try socket.resolveFamily("nlctrl") == GenericNetlinkController.familyID)
        // A second request on the same socket gets a new sequence number and its own answer.
        #expect(try socket.resolveFamily("nlctrl") == GenericNetlinkController.familyID)
    }

    @Test func anUnknownFamilyIsUnavailableWithENOENT() throws {
        let socket = try GenericNetlinkSocket()
        do {
            _ = try socket.resolveFamily("netwarden-none")
            Issue.record("resolved a family that does not exist")
        } catch {
            #expect(error.code == .unavailable)
            #expect(error.netlinkError?.errno == ENOENT)
        }
    }

    @Test func aMultiPartDumpIsCollectedUntilDone() throws {
        let socket = try GenericNetlinkSocket()
        let names = try socket.dump(
            messageType: GenericNetlinkController.familyID,
            context: "dumping families",
            request: Self.familyDump,
            decode: Self.familyName
        )
        #expect(names.contains("nlctrl"))
        #expect(Set(names).count == names.count)
    }

    @Test func theByteCapStopsADump() throws {
        let socket = try GenericNetlinkSocket(dumpByteLimit: 64)
        do {
            _ = try socket.dump(
                messageType: GenericNetlinkController.familyID,
                context: "dumping families",
                request: Self.familyDump,
                decode: Self.familyName
            )
            Issue.record("a 64-byte cap should not hold the family list")
        } catch {
            #expect(error.code == .limitExceeded, "\(error)")
        }
        // The socket stays usable: leftovers of the abandoned dump carry the old sequence number.
        #expect(try socket.resolveFamily("nlctrl") == GenericNetlinkController.familyID)
    }
}
