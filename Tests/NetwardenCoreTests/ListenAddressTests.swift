import NetwardenCore
import Testing

@Suite(.timeLimit(.minutes(1))) struct ListenAddressTests {
    private func parsed(_ text: String) -> ListenAddress? { try? ListenAddress.parse(text).get() }

    private func error(_ text: String) -> ListenAddressError? {
        guard case .failure(let error) = ListenAddress.parse(text) else { return nil }
        return error
    }

    @Test func ipv4Loopback() throws {
        let address = try ListenAddress.parse("127.0.0.1:9813").get()
        #expect(address.host == "127.0.0.1")
        #expect(address.port == 9813)
        #expect(address.family == .ipv4)
        #expect(address.isLoopback)
        #expect(!address.isUnspecified)
        #expect(address.description == "127.0.0.1:9813")
    }

    @Test func ipv6InBrackets() throws {
        let address = try ListenAddress.parse("[::1]:9813").get()
        #expect(address.host == "::1")
        #expect(address.family == .ipv6)
        #expect(address.isLoopback)
        #expect(address.description == "[::1]:9813")
    }

    @Test func wildcardsAndOtherAddresses() {
        #expect(parsed("0.0.0.0:9813")?.isUnspecified == true)
        #expect(parsed("0.0.0.0:9813")?.isLoopback == false)
        #expect(parsed("[::]:9813")?.isUnspecified == true)
        #expect(parsed("10.20.0.1:80")?.isLoopback == false)
        #expect(parsed("127.8.9.10:1")?.isLoopback == true)
        #expect(parsed("[::ffff:127.0.0.1]:9813")?.isLoopback == true)
        #expect(parsed("[fe80::1:2]:9813")?.isLoopback == false)
        #expect(parsed("[2001:db8:0:0:0:0:0:1]:443") != nil)
        #expect(parsed("[2001:DB8::A]:443") != nil)
        #expect(parsed("[1:2:3:4:5:6:7::]:1") != nil)
        #expect(parsed("[::2:3:4:5:6:7:8]:1") != nil)
        #expect(parsed("[::ffff:10.0.0.1]:1") != nil)
    }

    @Test func portRange() {
        #expect(parsed("127.0.0.1:0")?.port == 0)
        #expect(parsed("127.0.0.1:65535")?.port == 65535)
        #expect(error("127.0.0.1:65536")?.code == .invalidPort)
        #expect(error("127.0.0.1:999999999999999999999999")?.code == .invalidPort)
        #expect(error("127.0.0.1:-1")?.code == .invalidPort)
        #expect(error("127.0.0.1:+80")?.code == .invalidPort)
        #expect(error("127.0.0.1:http")?.code == .invalidPort)
    }

    @Test func messagesSayWhatToWrite() {
        #expect(error("")?.code == .empty)
        #expect(error("")?.message == "no address given; expected host:port such as 127.0.0.1:9813 or [::1]:9813")
        #expect(error("127.0.0.1")?.code == .missingPort)
        #expect(error("127.0.0.1:")?.code == .missingPort)
        #expect(error("[::1]")?.code == .missingPort)
        #expect(error("[::1]9813")?.code == .missingPort)
        #expect(error("::1:9813")?.code == .unbracketedIPv6)
        #expect(error("::1:9813")?.message == "IPv6 addresses go in brackets, e.g. [::1]:9813")
        #expect(error(":9813")?.code == .invalidHost)
        #expect(
            error(":9813")?.message == "missing host; use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)"
        )
        #expect(error("localhost:9813")?.code == .hostName)
        #expect(
            error("localhost:9813")?.description
                == "invalid listen address \"localhost:9813\": 'localhost' is not an IP address; host names are"
                + " not resolved here, use 127.0.0.1 or [::1]"
        )
        #expect(error("[127.0.0.1]:9813")?.message == "brackets are only for IPv6 addresses; write 127.0.0.1:9813")
        #expect(error("[fe80::1%eth0]:9813")?.code == .invalidHost)
        #expect(error("[::1:9813")?.code == .invalidHost)
        #expect(error(" 127.0.0.1:9813")?.code == .invalidHost)
    }

    @Test func malformedIPLiteralsAreRejected() {
        for text in [
            "256.0.0.1:1", "1.2.3:1", "1.2.3.4.5:1", "01.2.3.4:1", "1..3.4:1", "-1.2.3.4:1",
            "[1:2:3:4:5:6:7:8:9]:1", "[1::2::3]:1", "[:::]:1", "[12345::]:1", "[g::]:1", "[1:2:3:4:5:6:7]:1",
            "[1.2.3.4::]:1", "[::1.2.3]:1", "[1:2:3:4:5:6:7:8::]:1", "[]:1",
        ] {
            #expect(error(text)?.code == .invalidHost, "\(text)")
        }
    }

    @Test func emptySettingMeansDisabled() throws {
        #expect(try ListenAddress.parseSetting("").get() == nil)
        #expect(try ListenAddress.parseSetting("127.0.0.1:9813").get() == parsed("127.0.0.1:9813"))
        #expect(throws: ListenAddressError.self) { try ListenAddress.parseSetting("nonsense").get() }
    }

    @Test func hostAndPortInitializerDescribesBoundSockets() {
        #expect(ListenAddress(host: "127.0.0.1", port: 41000)?.description == "127.0.0.1:41000")
        #expect(ListenAddress(host: "::1", port: 41000)?.description == "[::1]:41000")
        #expect(ListenAddress(host: "localhost", port: 1) == nil)
    }
}
