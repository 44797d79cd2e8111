import RawNetContracts
import RawNetCore
import RawNetLab
import RawNetPlatform
import RawNetSocket
import RawNetWire
import Testing

/// A SYN flood against real daemons (issue 14 §3.3): spoofed SYNs from sources
/// that never answer fill bob's listen queue with half-open connections, yet a
/// real client still connects at once (SYN cookies, as Linux with
/// `tcp_syncookies=1`), and what the queue did is shown by `rawnet sockets -i`.
@Suite(.serialized) struct SYNFloodProcessTests {
    @Test func twoHundredSpoofedSYNs_doNotLockOutARealClient_andTheListenerShowsItsCookies() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let bob = IPv4Address(10, 0, 2, 20)
        let bobHost = try HostConnection(runDirectory: lab.runDirectory, host: "bob", appName: "server")
        let listener = try TCPListener(bobHost, port: 7100, backlog: 8)
        #expect(try lab.rawnet(["ping", "alice", "bob", "-c", "1"]).status == 0, "r1 knows bob's MAC")

        // 200 SYNs put on alice's cable at r1, from addresses in alice's subnet that no
        // host owns: bob's SYN-ACKs go unanswered, r1 finds no MAC for them.
        let r1 = try lab.status("r1")
        let r1MAC = try #require(MACAddress(r1.interfaces[0].mac))
        let injector = try LinkClient(kind: .seqpacket, connectingTo: lab.paths.link(node: "r1", interface: "eth0"))
        defer { injector.close() }
        for index in 0..<200 {
            let syn = Frame.ipv4(
                ethernet: EthernetHeader(destination: r1MAC, source: MACAddress.derived(from: "flooder"), etherType: .ipv4),
                ip: IPv4Header(timeToLive: 64, protocolNumber: .tcp, source: IPv4Address(10, 0, 1, UInt8(100 + index % 100)),
                               destination: bob),
                .tcp(TCPHeader(sourcePort: UInt16(20_000 + index), destinationPort: 7100,
                               sequenceNumber: UInt32(index) &* 2_654_435_761, acknowledgmentNumber: 0,
                               flags: .syn, window: 65535, options: [.maximumSegmentSize(1460)]),
                     payload: []))
            #expect(injector.send(syn) == .sent)
            if index % 8 == 7 { MonotonicClock.sleep(for: .milliseconds(2)) }  // the kernel queues about 10 datagrams
        }

        // The queue filled with half-open connections, and later SYNs got cookies.
        var listening = TCPSocketStatus(parsing: "")
        for _ in 0..<100 {
            listening = try Self.listenerStatus(lab, port: 7100)
            if Self.count(listening, .synCookiesSent) ?? 0 > 150 { break }
            MonotonicClock.sleep(for: .milliseconds(20))
        }
        #expect(Self.count(listening, .halfOpen) == 8, "\(listening.text)")
        #expect((Self.count(listening, .synCookiesSent) ?? 0) >= 180, "\(listening.text)")

        // A real client connects at once and talks, with the queue still full.
        let aliceHost = try HostConnection(runDirectory: lab.runDirectory, host: "alice", appName: "client")
        let started = MonotonicClock.now()
        let client = try TCPStream.connect(aliceHost, to: bob, port: 7100, timeout: .seconds(3))
        #expect(MonotonicClock.now() - started < 1_000_000_000, "connected within a second, not after the flood")
        let served = try #require(try listener.accept(timeout: .seconds(3)))
        try client.write(Array("hello through the flood".utf8))
        var got: [UInt8] = []
        while got.count < 23, let chunk = try served.read(timeout: .seconds(3)), !chunk.isEmpty { got += chunk }
        #expect(String(decoding: got, as: UTF8.self) == "hello through the flood")
        let after = try Self.listenerStatus(lab, port: 7100)
        #expect(Self.count(after, .synCookiesAccepted) == 1, "the client came in on a cookie: \(after.text)")
        let shown = try lab.rawnet(["sockets", "bob", "-i"]).output
        #expect(shown.contains("syncookies_sent"), "\(shown)")
        client.close()
    }

    static func count(_ status: TCPSocketStatus, _ key: TCPSocketStatus.Key) -> Int? { status[key].flatMap { Int($0) } }

    /// bob's listener on `port`, as `sockets` reports it.
    static func listenerStatus(_ lab: DaemonTestLab, port: Int) throws -> TCPSocketStatus {
        let client = try ControlClient(path: lab.paths.control(node: "bob"))
        let response = try client.request(ControlRequest(command: "sockets"))
        let sockets = try #require(try response.result?.decode([SocketInfo].self))
        let listener = try #require(sockets.first { $0.state == "LISTEN" && $0.local.hasSuffix(":\(port)") })
        return TCPSocketStatus(parsing: listener.internals ?? "")
    }
}
