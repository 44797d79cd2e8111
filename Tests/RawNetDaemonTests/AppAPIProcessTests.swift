import RawNetContracts
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import RawNetSocket
import RawNetWire
import Testing

/// The app API of real host daemons, used through the RawNetSocket library.
@Suite(.serialized)
struct AppAPIProcessTests {
    private let alice = IPv4Address(10, 0, 1, 10)
    private let bob = IPv4Address(10, 0, 2, 20)

    @Test func udp_datagramsCrossTheRouter_andRepliesComeBack() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let bobApp = try HostConnection(runDirectory: lab.runDirectory, host: "bob", appName: "echo")
        let server = try UDPSocket(bobApp)
        try server.bind(port: 7)
        #expect(server.localPort == 7)

        let aliceApp = try HostConnection(runDirectory: lab.runDirectory, host: "alice", appName: "client")
        let client = try UDPSocket(aliceApp)
        try client.send(Array("hello".utf8), to: bob, port: 7)
        #expect(appEphemeralPorts.contains(client.localPort))

        let request = try #require(try server.receive(timeout: .seconds(3)))
        #expect(request.payload == Array("hello".utf8))
        #expect(request.from == alice)
        #expect(request.port == client.localPort)
        #expect(request.timeToLive == 63)
        try server.send(Array("HELLO".utf8), to: request.from, port: request.port)
        let answer = try #require(try client.receive(timeout: .seconds(3)))
        #expect(answer.payload == Array("HELLO".utf8))
        #expect(answer.from == bob && answer.port == 7)

        // A second app cannot take the port while the first holds it…
        let other = try UDPSocket(try HostConnection(runDirectory: lab.runDirectory, host: "bob", appName: "other"))
        #expect(throws: NetworkError.addressInUse) { try other.bind(port: 7) }
        // …but can once that app has gone: its sockets close with it.
        bobApp.close()
        // The daemon notices the closed app socket on its next wake-up; wait for it, up to 5 s.
        var lastError: (any Error)?
        for _ in 0..<500 {
            do { try other.bind(port: 7); lastError = nil; break } catch {
                lastError = error
                MonotonicClock.sleep(for: .milliseconds(10))
            }
        }
        #expect(lastError == nil, "port 7 still refused 5 s after its app closed: \(lastError.map { "\($0)" } ?? "")")
    }

    /// A timeout of zero is a non-blocking poll: nil at once while nothing is there, and
    /// a datagram the host already handed over is returned, not left unread.
    @Test func receiveWithZeroTimeout_pollsWithoutWaiting_andSeesWhatArrived() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let server = try UDPSocket(try HostConnection(runDirectory: lab.runDirectory, host: "bob", appName: "poller"))
        try server.bind(port: 7101)
        let before = ContinuousClock.now
        #expect(try server.receive(timeout: .zero) == nil)
        #expect(ContinuousClock.now - before < .milliseconds(100), "a poll must not wait")
        let client = try UDPSocket(try HostConnection(runDirectory: lab.runDirectory, host: "alice", appName: "client"))
        try client.send(Array("poll me".utf8), to: bob, port: 7101)
        var got: UDPDatagram?
        var polls = 0
        let deadline = ContinuousClock.now + .seconds(3)
        while got == nil, ContinuousClock.now < deadline {
            polls += 1
            got = try server.receive(timeout: .zero)
            if got == nil { MonotonicClock.sleep(for: .milliseconds(5)) }
        }
        #expect(got?.payload == Array("poll me".utf8), "after \(polls) polls")
    }

    @Test func connectedUDP_toClosedPort_failsWithConnectionRefused() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let before = try lab.status("bob").interfaces[0].counters[.noSocketOnPort]
        let app = try HostConnection(runDirectory: lab.runDirectory, host: "alice", appName: "client")
        let socket = try UDPSocket(app)
        try socket.connect(to: bob, port: 9999)
        try socket.send([1, 2, 3])
        #expect(throws: NetworkError.connectionRefused) { _ = try socket.receive(timeout: .seconds(3)) }
        #expect(try lab.status("bob").interfaces[0].counters[.noSocketOnPort] == before + 1)
    }

    @Test func sockets_belongToTheirConnection() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let first = try HostConnection(runDirectory: lab.runDirectory, host: "alice", appName: "a")
        let second = try HostConnection(runDirectory: lab.runDirectory, host: "alice", appName: "b")
        let mine = try UDPSocket(first)
        try mine.bind(port: 5000)
        // A raw app connection naming the first app's socket gets "bad socket".
        let raw = try UnixConnection.connect(kind: .seqpacket, to: lab.paths.appAPI(node: "alice"))
        _ = try raw.write(AppMessage.close(request: 77, socket: mine.id).encoded())
        #expect(raw.fileDescriptor.waitReadable(timeout: .seconds(3)))
        let answer = try AppMessage(decoding: try #require(try raw.read()))
        guard case .reply(77, _, let status, _, _, _) = answer else {
            Issue.record("expected a reply to request 77, got \(answer)")
            return
        }
        #expect(status == .badSocket)
        // The socket still works for its owner.
        try mine.send([9], to: alice, port: 5000)
        #expect(try mine.receive(timeout: .seconds(3))?.payload == [9])
        let icmp = try ICMPSocket(second)
        try icmp.sendEcho(to: bob, sequence: 1, payload: [0x42])
        let reply = try #require(try icmp.receive(timeout: .seconds(3)))
        guard case .echoReply(let identifier, let sequence, let data) = reply.message else {
            Issue.record("expected an echo reply, got \(reply.message)")
            return
        }
        #expect(identifier == icmp.identifier && sequence == 1 && data == [0x42])
        #expect(reply.from == bob)
    }

    @Test func hostNotRunning_isAClearError() {
        #expect(throws: NetworkError.self) {
            _ = try HostConnection(runDirectory: "/tmp/rawnet-no-such-lab", host: "alice", appName: "x")
        }
    }
}
