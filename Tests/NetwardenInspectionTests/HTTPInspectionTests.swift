import NetwardenInspection
import NetwardenProtocols
import NetwardenTestSupport
import Testing

@Suite struct HTTPInspectionTests {
    let conversation = TCPConversation(
        client: Peer.v4(10, 20, 3, 40, port: 52_000),
        server: Peer.v4(192, 0, 2, 80, port: 80)
    )

    @Test func getSplitAcrossSegmentsThenRedirect() {
        let harness = Harness()
        let request = Array(
            "GET /search?q=x HTTP/1.1\r\nUser-Agent: test\r\nHost: WWW.Example.COM:8080\r\nAccept: */*\r\n\r\n".utf8
        )
        harness.send(conversation.syn())
        harness.send(conversation.synAck())
        harness.send(conversation.client(Array(request[0..<10])))
        harness.send(conversation.client(Array(request[30...]), at: 30))
        #expect(harness.names.isEmpty)
        harness.send(conversation.client(Array(request[10..<30]), at: 10))
        #expect(harness.names.count == 1)
        let name = harness.names.first
        #expect(name?.proto == .http)
        #expect(name?.name == "www.example.com")
        #expect(name?.httpMethod == "GET")
        #expect(name?.flow == conversation.endpoints)

        let response = Array(
            "HTTP/1.1 302 Found\r\nServer: filter\r\nLocation: https://Block.School.Example:8443/page?u=1\r\n\r\n".utf8
        )
        harness.send(conversation.server(response))
        #expect(harness.outcomes.map(\.outcome.summary) == ["http 302 location=block.school.example"])
        #expect(harness.outcomes.first?.name == "www.example.com")
        #expect(harness.outcomes.first?.flow == conversation.endpoints)
    }

    @Test func connectThroughAProxy() {
        let proxy = TCPConversation(
            client: Peer.v4(10, 20, 3, 41, port: 52_001),
            server: Peer.v4(192, 0, 2, 81, port: 3128)
        )
        let harness = Harness()
        harness.send(proxy.syn())
        harness.send(proxy.synAck())
        harness.send(
            proxy.client(Array("CONNECT Proxy-Target.example.net:443 HTTP/1.1\r\nHost: ignored.example\r\n\r\n".utf8))
        )
        harness.send(proxy.server(Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8)))
        #expect(harness.names.map(\.name) == ["proxy-target.example.net"])
        #expect(harness.names.first?.httpMethod == "CONNECT")
        #expect(harness.names.first?.flow == proxy.endpoints)
        #expect(harness.outcomes.map(\.outcome.summary) == ["http 200 location=-"])
    }
}
