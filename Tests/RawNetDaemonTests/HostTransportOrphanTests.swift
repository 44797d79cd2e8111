@testable import RawNetDaemon
import RawNetContracts
import RawNetCore
import RawNetWire
import Testing

/// Reset, never hang: a connection whose app is gone (closed or died) resets
/// when data it can never read is buffered or still arriving, and its life is
/// bounded, as Linux bounds orphaned sockets (issue 14 §3.1).
@Suite("Host transport: orphaned connections")
struct HostTransportOrphanTests {
    /// bob's app 1 listens on port 80; alice's app 1 connects. Returns alice's and bob's sockets.
    private func connect(_ pair: HostPair, backlog: UInt16 = 8) -> (client: UInt32, server: UInt32) {
        pair.a.call(1) { .hello(request: $0, pid: 11, features: [], name: "client") }
        pair.b.call(1) { .hello(request: $0, pid: 22, features: [], name: "server") }
        let listener = pair.b.open(1, .tcp)
        pair.b.call(1) { .bind(request: $0, socket: listener, address: .any, port: 80) }
        pair.b.call(1) { .listen(request: $0, socket: listener, backlog: backlog) }
        let client = pair.a.open(1, .tcp)
        let request = pair.a.request(1) { .connect(request: $0, socket: client, address: pair.b.address, port: 80) }
        pair.advance(by: .milliseconds(10))
        #expect(replyStatus(pair.a.answer(to: request, client: 1)) == .ok)
        var server: UInt32 = 0
        for case .accepted(listener, let newSocket, _, _, _, _) in pair.b.apps.messages[1] ?? [] { server = newSocket }
        #expect(server != 0)
        return (client, server)
    }

    private func tcpHeaders(_ frames: [(interface: Int, frame: [UInt8])]) -> [TCPHeader] {
        frames.compactMap {
            guard case .tcp(let header, _)? = DecodedFrame(parsing: $0.frame).transport else { return nil }
            return header
        }
    }

    /// The status of the first `error` app 1 got on `socket`.
    private func errorStatus(_ host: HostHarness, socket: UInt32) -> AppStatus? {
        for case .error(socket, let status, _) in host.apps.messages[1] ?? [] { return status }
        return nil
    }

    /// bob's connection, if his stack still holds it.
    private func bobsConnection(_ pair: HostPair) -> TCPConnection? {
        pair.b.transport.tcp.connections.values.first { $0.id.localPort == 80 }
    }

    @Test("closing with unread data resets at once; the writer hears 'connection reset by peer'")
    func closeWithUnreadData() {
        let pair = HostPair()
        let (client, server) = connect(pair)
        pair.b.apps.backlogged = [1]
        pair.a.call(1) { .send(request: $0, socket: client, payload: [1, 2, 3]) }
        pair.advance(by: .milliseconds(100))
        pair.b.call(1) { .close(request: $0, socket: server) }
        pair.advance(by: .milliseconds(100))
        #expect(errorStatus(pair.a, socket: client) == .connectionReset)
        #expect(bobsConnection(pair) == nil)
    }

    @Test("after a close with nothing unread, data still arriving is answered with RST, and the writer hears reset")
    func dataAfterClose() {
        let pair = HostPair()
        let (client, server) = connect(pair)
        pair.b.call(1) { .close(request: $0, socket: server) }
        pair.advance(by: .milliseconds(100))
        #expect(bobsConnection(pair)?.state == .finWait2)
        #expect((pair.a.apps.messages[1] ?? []).contains(.peerClosed(socket: client)))
        // alice's app goes on writing (CLOSE-WAIT): bob resets instead of acknowledging into nothing.
        pair.a.call(1) { .send(request: $0, socket: client, payload: Array(repeating: 7, count: 3000)) }
        for (_, frame) in pair.a.takeFrames() { pair.b.receive(frame) }
        let fromBob = pair.b.takeFrames()
        let answers = tcpHeaders(fromBob)
        for (_, frame) in fromBob { pair.a.receive(frame) }
        #expect(answers.contains { $0.flags.contains(.rst) })
        #expect(!answers.contains { $0.flags == [.ack] }, "no data acknowledged into the dead socket: \(answers)")
        #expect(bobsConnection(pair) == nil)
        pair.advance(by: .milliseconds(100))
        #expect(errorStatus(pair.a, socket: client) == .connectionReset)
    }

    @Test("an app that dies while its peer still sends makes its host reset, never hang")
    func appDiesWhileDataArrives() {
        let pair = HostPair()
        let (client, _) = connect(pair)
        pair.a.call(1) { .send(request: $0, socket: client, payload: Array(repeating: 1, count: 20_000)) }
        pair.advance(by: .milliseconds(50))
        // bob's app read everything, then its app connection goes away.
        pair.b.transport.closeSockets(ownedBy: 1, now: pair.b.now)
        pair.b.finishWakeUp()
        pair.a.call(1) { .send(request: $0, socket: client, payload: Array(repeating: 2, count: 20_000)) }
        pair.advance(by: .seconds(1))
        #expect(errorStatus(pair.a, socket: client) == .connectionReset)
        #expect(bobsConnection(pair) == nil)
    }

    @Test("an app that dies with messages unread resets though its host passed every byte on, as data left in a Linux socket's receive queue does",
          arguments: [true, false])
    func appDiesWithMessagesUnread(leftMessagesUnread: Bool) {
        let pair = HostPair()
        let (client, _) = connect(pair)
        pair.a.call(1) { .send(request: $0, socket: client, payload: Array(repeating: 1, count: 20_000)) }
        pair.advance(by: .milliseconds(50))
        #expect(bobsConnection(pair)?.availableByteCount == 0, "bob's host passed every byte to his app")
        pair.b.transport.closeSockets(ownedBy: 1, now: pair.b.now, leftMessagesUnread: leftMessagesUnread)
        pair.b.finishWakeUp()
        let fromBob = tcpHeaders(pair.b.takeFrames())
        if leftMessagesUnread {
            #expect(fromBob.contains { $0.flags.contains(.rst) } && !fromBob.contains { $0.flags.contains(.fin) }, "\(fromBob)")
            #expect(bobsConnection(pair) == nil)
        } else {
            #expect(fromBob.contains { $0.flags.contains(.fin) } && !fromBob.contains { $0.flags.contains(.rst) }, "\(fromBob)")
        }
    }

    @Test("an app that only sent and dies with messages unread (credit, say) still ends with a FIN")
    func senderDiesWithMessagesUnread() {
        let pair = HostPair()
        let (_, server) = connect(pair)
        pair.b.call(1) { .send(request: $0, socket: server, payload: Array(repeating: 3, count: 5_000)) }
        pair.advance(by: .milliseconds(50))
        pair.b.transport.closeSockets(ownedBy: 1, now: pair.b.now, leftMessagesUnread: true)
        pair.b.finishWakeUp()
        let fromBob = tcpHeaders(pair.b.takeFrames())
        #expect(fromBob.contains { $0.flags.contains(.fin) } && !fromBob.contains { $0.flags.contains(.rst) }, "\(fromBob)")
    }

    @Test("an orphan in FIN-WAIT-2 ends after tcp_fin_timeout (60 s) on the virtual clock")
    func finWait2Timeout() {
        let pair = HostPair()
        let (_, server) = connect(pair)
        pair.b.call(1) { .close(request: $0, socket: server) }
        pair.advance(by: .seconds(1))
        #expect(bobsConnection(pair)?.state == .finWait2)
        pair.advance(by: .seconds(58))
        #expect(bobsConnection(pair)?.state == .finWait2)
        pair.advance(by: .seconds(2))
        #expect(bobsConnection(pair) == nil)
        // alice (CLOSE-WAIT, app still there) holds hers: the next thing she sends meets a RST.
        #expect(pair.a.transport.tcp.connections.values.first?.state == .closeWait)
    }

    @Test("a half-closed socket whose app is still there keeps receiving (not an orphan)")
    func halfCloseIsNotOrphaned() {
        let pair = HostPair()
        let (client, server) = connect(pair)
        #expect(replyStatus(pair.b.call(1) { .shutdown(request: $0, socket: server, how: .write) }) == .ok)
        pair.advance(by: .seconds(61))
        pair.a.call(1) { .send(request: $0, socket: client, payload: [4, 5, 6]) }
        pair.advance(by: .milliseconds(100))
        #expect(pair.b.apps.streamBytes(1, socket: server) == [4, 5, 6])
        #expect(errorStatus(pair.a, socket: client) == nil)
    }

    @Test("the sockets listing shows connections no app owns: TIME-WAIT after a close, with no app")
    func listingShowsOrphans() {
        let pair = HostPair()
        let (client, server) = connect(pair)
        pair.a.call(1) { .close(request: $0, socket: client) }
        pair.advance(by: .milliseconds(100))
        let finWait2 = pair.a.transport.socketList().filter { $0.id == 0 }
        #expect(finWait2.map(\.state) == ["FIN-WAIT-2"])
        pair.b.call(1) { .close(request: $0, socket: server) }
        pair.advance(by: .milliseconds(100))
        let list = pair.a.transport.socketList()
        let orphan = list.first { $0.state == "TIME-WAIT" }
        #expect(orphan != nil, "\(list)")
        #expect(orphan?.id == 0 && orphan?.app == 0 && orphan?.appName == nil && orphan?.pid == nil)
        #expect(orphan?.local.hasPrefix("10.0.0.1:") == true && orphan?.peer == "10.0.0.2:80")
        #expect(orphan?.internals?.contains("state=TIME-WAIT") == true)
        // bob closed second: his connection is gone at once; his listener is still his app's.
        #expect(pair.b.transport.socketList().map(\.state) == ["LISTEN"])
        // TIME-WAIT ends after 2 MSL, and with it the listing's row.
        pair.advance(by: .seconds(61))
        #expect(pair.a.transport.socketList().isEmpty)
    }

    @Test("a connection not yet accepted is listed with no app (SYN-RECEIVED, then ESTABLISHED)")
    func listingShowsUnacceptedConnections() {
        let pair = HostPair()
        _ = connect(pair)  // neighbours known: the next connect's first frame is its SYN
        let client = pair.a.open(1, .tcp)
        pair.a.call(1) { .connect(request: $0, socket: client, address: pair.b.address, port: 80) }
        // Only alice's SYN reaches bob.
        for (_, frame) in pair.a.takeFrames() { pair.b.receive(frame) }
        let list = pair.b.transport.socketList()
        #expect(list.contains { $0.id == 0 && $0.state == "SYN-RECEIVED" && $0.local == "10.0.0.2:80" }, "\(list)")
    }

    @Test("without SYN cookies, a SYN for a full listen queue is a counted drop with its reason, never a silent one")
    func fullListenQueueIsACountedDrop() {
        let pair = HostPair()
        _ = connect(pair, backlog: 1)  // accepted at once: the queue is empty again
        pair.b.transport.tcp.configuration.isSYNCookiesEnabled = false
        for _ in 0..<2 {
            let client = pair.a.open(1, .tcp)
            pair.a.call(1) { .connect(request: $0, socket: client, address: pair.b.address, port: 80) }
        }
        // Both SYNs reach bob; the first fills the queue (SYN-RECEIVED), the second is dropped.
        for (_, frame) in pair.a.takeFrames() { pair.b.receive(frame) }
        #expect(pair.b.ip.interfaces[0].counters[.listenQueueFull] == 1)
        #expect(pair.b.drops.map(\.reason) == [.listenQueueFull])
        #expect(pair.b.drops.first?.detail == "1 handshaking + 0 ready, backlog 1")
    }

    @Test("with SYN cookies (the default), a full listen queue still lets real clients in")
    func synCookiesLetClientsIn() {
        let pair = HostPair()
        _ = connect(pair, backlog: 1)
        var requests: [UInt32] = []
        for _ in 0..<2 {
            let client = pair.a.open(1, .tcp)
            requests.append(pair.a.request(1) { .connect(request: $0, socket: client, address: pair.b.address, port: 80) })
        }
        pair.advance(by: .milliseconds(100))
        for request in requests { #expect(replyStatus(pair.a.answer(to: request, client: 1)) == .ok) }
        #expect(pair.b.transport.tcp.listeners[80]?.synCookiesSent == 1)
        #expect(pair.b.transport.tcp.listeners[80]?.synCookiesAccepted == 1)
        let accepted = (pair.b.apps.messages[1] ?? []).filter { if case .accepted = $0 { true } else { false } }
        #expect(accepted.count == 3)
        #expect(pair.b.drops.isEmpty)
    }
}
