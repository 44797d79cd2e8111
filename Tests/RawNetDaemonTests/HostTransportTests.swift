@testable import RawNetDaemon
import RawNetContracts
import RawNetCore
import RawNetWire
import Testing

/// Host behaviour in process: two `HostHarness` hosts back to back, no daemon,
/// no socket, a virtual clock.
@Suite("Host transport in process")
struct HostTransportTests {
    // MARK: Helpers

    /// A UDP socket of app `client` bound to `port`.
    private func udpSocket(_ host: HostHarness, client: Int = 1, port: UInt16) -> UInt32 {
        let socket = host.open(client, .udp)
        _ = host.call(client) { .bind(request: $0, socket: socket, address: .any, port: port) }
        return socket
    }

    private func datagrams(_ messages: [AppMessage]) -> [(socket: UInt32, from: IPv4Address, port: UInt16,
                                                         ttl: UInt8, payload: [UInt8])] {
        messages.compactMap {
            guard case .datagram(let socket, let from, let port, let ttl, let payload) = $0 else { return nil }
            return (socket, from, port, ttl, payload)
        }
    }

    /// The TCP flags of every segment in `frames`.
    private func tcpFlags(_ frames: [(interface: Int, frame: [UInt8])]) -> [TCPFlags] {
        frames.compactMap {
            guard case .tcp(let header, _)? = DecodedFrame(parsing: $0.frame).transport else { return nil }
            return header.flags
        }
    }

    /// bob's app 1 listens on port 80; alice's app 1 connects to it.
    /// Returns alice's socket and bob's accepted socket.
    private func connect(_ pair: HostPair, aliceFeatures: AppFeatures = [], bobFeatures: AppFeatures = [],
                         sendBufferSize: Int32? = nil) -> (client: UInt32, server: UInt32, listener: UInt32) {
        pair.a.call(1) { .hello(request: $0, pid: 11, features: aliceFeatures, name: "client") }
        pair.b.call(1) { .hello(request: $0, pid: 22, features: bobFeatures, name: "server") }
        let listener = pair.b.open(1, .tcp)
        pair.b.call(1) { .bind(request: $0, socket: listener, address: .any, port: 80) }
        pair.b.call(1) { .listen(request: $0, socket: listener, backlog: 8) }
        let client = pair.a.open(1, .tcp)
        if let sendBufferSize {
            pair.a.call(1) { .setOption(request: $0, socket: client, option: .sendBufferSize, value: sendBufferSize) }
        }
        let request = pair.a.request(1) { .connect(request: $0, socket: client, address: pair.b.address, port: 80) }
        pair.advance(by: .milliseconds(10))
        #expect(replyStatus(pair.a.answer(to: request, client: 1)) == .ok)
        var server: UInt32 = 0
        for case .accepted(listener, let newSocket, _, _, _, _) in pair.b.apps.messages[1] ?? [] { server = newSocket }
        #expect(server != 0)
        return (client, server, listener)
    }

    // MARK: UDP

    @Test("UDP: a datagram sent to a bound port reaches its app, with source and TTL")
    func udpSendReceive() {
        let pair = HostPair()
        let server = udpSocket(pair.b, port: 7000)
        let client = pair.a.open(1, .udp)
        let answer = pair.a.call(1) { .sendTo(request: $0, socket: client, address: pair.b.address, port: 7000,
                                              payload: Array("hello".utf8)) }
        #expect(replyStatus(answer) == .ok)
        let port = replyPort(answer) ?? 0
        #expect(appEphemeralPorts.contains(port))
        pair.exchange()
        let received = datagrams(pair.b.apps.take(1))
        #expect(received.count == 1)
        #expect(received.first?.socket == server)
        #expect(received.first?.from == pair.a.address)
        #expect(received.first?.port == port)
        #expect(received.first?.ttl == 64)
        #expect(received.first?.payload == Array("hello".utf8))
    }

    @Test("UDP: binding a port another socket holds is 'address in use'")
    func udpBindConflict() {
        let host = HostHarness(name: "alice", address: "10.0.0.1/24")
        _ = udpSocket(host, port: 7000)
        let second = host.open(2, .udp)
        #expect(replyStatus(host.call(2) { .bind(request: $0, socket: second, address: .any, port: 7000) }) == .addressInUse)
        #expect(replyStatus(host.call(2) { .bind(request: $0, socket: second, address: .any, port: 7001) }) == .ok)
    }

    @Test("UDP: binding to an address the host does not have is refused")
    func udpBindForeignAddress() {
        let host = HostHarness(name: "alice", address: "10.0.0.1/24")
        let socket = host.open(1, .udp)
        let answer = host.call(1) { .bind(request: $0, socket: socket, address: IPv4Address(10, 9, 9, 9), port: 1) }
        #expect(replyStatus(answer) == .invalidArgument)
    }

    @Test("UDP to a port with no socket: ICMP port unreachable back and a 'no socket on port' drop")
    func udpNoSocket() {
        let pair = HostPair()
        let client = pair.a.open(1, .udp)
        pair.a.call(1) { .sendTo(request: $0, socket: client, address: pair.b.address, port: 9, payload: [1]) }
        pair.a.apps.take(1)
        // ARP first, then the datagram; bob answers the datagram with an ICMP error.
        var icmpFromBob = 0
        for _ in 0..<10 {
            let fromA = pair.a.takeFrames()
            let fromB = pair.b.takeFrames()
            if fromA.isEmpty && fromB.isEmpty { break }
            for frame in fromA { pair.b.receive(frame.frame) }
            for frame in fromB {
                if case .icmp(.destinationUnreachable(.port, _))? = DecodedFrame(parsing: frame.frame).transport {
                    icmpFromBob += 1
                }
                pair.a.receive(frame.frame)
            }
        }
        #expect(icmpFromBob == 1)
        #expect(pair.b.noSocketPackets == 1)
        #expect(pair.b.ip.interfaces[0].counters[.noSocketOnPort] == 1)
        // An unconnected socket without receiveErrors hears nothing of it.
        #expect(pair.a.apps.take(1).isEmpty)
    }

    @Test("UDP: a connected socket hears an ICMP port unreachable as 'connection refused'")
    func connectedUDPHearsError() {
        let pair = HostPair()
        let client = pair.a.open(1, .udp)
        #expect(replyStatus(pair.a.call(1) { .connect(request: $0, socket: client, address: pair.b.address, port: 9) }) == .ok)
        #expect(replyStatus(pair.a.call(1) { .send(request: $0, socket: client, payload: [1, 2]) }) == .ok)
        pair.a.apps.take(1)
        pair.exchange()
        let messages = pair.a.apps.take(1)
        #expect(messages.count == 1)
        guard case .error(client, .connectionRefused, _)? = messages.first else {
            Issue.record("expected connectionRefused, got \(messages)")
            return
        }
    }

    @Test("UDP: receiveErrors delivers ICMP errors to an unconnected socket")
    func receiveErrorsOption() {
        let pair = HostPair()
        let client = pair.a.open(1, .udp)
        #expect(replyStatus(pair.a.call(1) { .setOption(request: $0, socket: client, option: .receiveErrors, value: 1) }) == .ok)
        pair.a.call(1) { .sendTo(request: $0, socket: client, address: pair.b.address, port: 9, payload: [1]) }
        pair.a.apps.take(1)
        pair.exchange()
        let messages = pair.a.apps.take(1)
        guard case .icmpError(client, let from, 3, 3, let destination, 9)? = messages.first else {
            Issue.record("expected an ICMP error, got \(messages)")
            return
        }
        #expect(from == pair.b.address)
        #expect(destination == pair.b.address)
    }

    @Test("UDP: a connected socket hears only its peer")
    func connectedSocketFiltersPeers() {
        let pair = HostPair()
        let server = udpSocket(pair.b, port: 7000)
        pair.b.call(1) { .connect(request: $0, socket: server, address: pair.a.address, port: 5000) }
        let right = udpSocket(pair.a, client: 1, port: 5000)
        let wrong = udpSocket(pair.a, client: 2, port: 5001)
        pair.a.call(1) { .sendTo(request: $0, socket: right, address: pair.b.address, port: 7000, payload: [1]) }
        pair.a.call(2) { .sendTo(request: $0, socket: wrong, address: pair.b.address, port: 7000, payload: [2]) }
        pair.b.apps.take(1)
        pair.exchange()
        #expect(datagrams(pair.b.apps.take(1)).map(\.payload) == [[1]])
        #expect(pair.b.noSocketPackets == 1)
    }

    @Test("UDP: the TTL option sets the TTL of datagrams sent; out of range is refused")
    func ttlOption() {
        let pair = HostPair()
        _ = udpSocket(pair.b, port: 7000)
        let client = pair.a.open(1, .udp)
        #expect(replyStatus(pair.a.call(1) { .setOption(request: $0, socket: client, option: .timeToLive, value: 7) }) == .ok)
        #expect(replyStatus(pair.a.call(1) { .setOption(request: $0, socket: client, option: .timeToLive, value: 300) })
                == .invalidArgument)
        pair.a.call(1) { .sendTo(request: $0, socket: client, address: pair.b.address, port: 7000, payload: [1]) }
        pair.exchange()
        #expect(datagrams(pair.b.apps.take(1)).map(\.ttl) == [7])
    }

    @Test("closing a socket frees its port")
    func closeFreesPort() {
        let host = HostHarness(name: "alice", address: "10.0.0.1/24")
        let first = udpSocket(host, port: 7000)
        #expect(replyStatus(host.call(1) { .close(request: $0, socket: first) }) == .ok)
        let second = host.open(1, .udp)
        #expect(replyStatus(host.call(1) { .bind(request: $0, socket: second, address: .any, port: 7000) }) == .ok)
        #expect(replyStatus(host.call(1) { .close(request: $0, socket: first) }) == .badSocket)
    }

    @Test("an app that leaves has all its sockets closed, and only its own")
    func appLeaving() {
        let host = HostHarness(name: "alice", address: "10.0.0.1/24")
        _ = udpSocket(host, client: 1, port: 7000)
        _ = host.open(1, .icmp)
        let tcp = host.open(1, .tcp)
        host.call(1) { .listen(request: $0, socket: tcp, backlog: 1) }
        _ = udpSocket(host, client: 2, port: 7001)
        #expect(host.transport.closeSockets(ownedBy: 1, now: host.now) == 3)
        #expect(host.transport.sockets.sockets.values.map(\.owner) == [2])
        #expect(host.transport.tcp.listeners.isEmpty)
        let again = host.open(3, .udp)
        #expect(replyStatus(host.call(3) { .bind(request: $0, socket: again, address: .any, port: 7000) }) == .ok)
    }

    // MARK: ICMP

    @Test("ICMP: an echo reply reaches the ICMP socket with its identifier only")
    func echoReplyByIdentifier() {
        let pair = HostPair()
        let pinger = pair.a.open(1, .icmp)
        let other = pair.a.open(2, .icmp)
        let identifier = pair.a.transport.sockets.sockets[pinger]?.localPort ?? 0
        var request: [UInt8] = []
        ICMPMessage.echoRequest(identifier: 0, sequence: 5, payload: [9, 9]).serialize(into: &request)
        #expect(replyStatus(pair.a.call(1) { .sendTo(request: $0, socket: pinger, address: pair.b.address, port: 0,
                                                      payload: request) }) == .ok)
        pair.exchange()
        let replies = datagrams(pair.a.apps.messages[1] ?? [])
        #expect(replies.count == 1)
        #expect(replies.first?.from == pair.b.address)
        let reply = replies.first.flatMap { try? ICMPMessage(parsing: $0.payload, verifyChecksum: true) }
        #expect(reply == .echoReply(identifier: identifier, sequence: 5, payload: [9, 9]))
        #expect(datagrams(pair.a.apps.messages[2] ?? []).isEmpty)
        #expect(other != pinger)
    }

    @Test("ICMP sockets send echo requests only")
    func icmpSocketsSendEchoOnly() {
        let host = HostHarness(name: "alice", address: "10.0.0.1/24")
        let socket = host.open(1, .icmp)
        #expect(replyStatus(host.call(1) { .sendTo(request: $0, socket: socket, address: IPv4Address(10, 0, 0, 2),
                                                    port: 0, payload: [0, 0, 0, 0]) }) == .invalidArgument)
    }

    // MARK: App protocol

    @Test("apps may not send host messages")
    func hostMessagesRefused() {
        let host = HostHarness(name: "alice", address: "10.0.0.1/24")
        host.app(1, .peerClosed(socket: 1))
        guard case .reply(0, 0, .invalidArgument, _, _, let text)? = host.apps.take(1).first else {
            Issue.record("expected an error reply")
            return
        }
        #expect(text == "apps may not send host messages")
    }

    @Test("a socket of another app, or none, is a bad socket")
    func badSocket() {
        let host = HostHarness(name: "alice", address: "10.0.0.1/24")
        let mine = host.open(1, .udp)
        #expect(replyStatus(host.call(1) { .bind(request: $0, socket: 999, address: .any, port: 1) }) == .badSocket)
        #expect(replyStatus(host.call(2) { .bind(request: $0, socket: mine, address: .any, port: 1) }) == .badSocket)
        host.app(1, .write(socket: mine, payload: [1]))
        guard case .error(mine, .protocolNotSupported, _)? = host.apps.take(1).last else {
            Issue.record("a write on a UDP socket is an error")
            return
        }
    }

    // MARK: TCP

    @Test("TCP: connect, accept, and data both ways")
    func tcpDataBothWays() {
        let pair = HostPair()
        let (client, server, _) = connect(pair)
        let sent = pair.a.call(1) { .send(request: $0, socket: client, payload: Array("ping".utf8)) }
        guard case .sent(_, client, 4)? = sent else {
            Issue.record("expected sent 4, got \(String(describing: sent))")
            return
        }
        pair.b.call(1) { .send(request: $0, socket: server, payload: Array("pong!".utf8)) }
        pair.advance(by: .milliseconds(100))
        #expect(pair.b.apps.streamBytes(1, socket: server) == Array("ping".utf8))
        #expect(pair.a.apps.streamBytes(1, socket: client) == Array("pong!".utf8))
    }

    @Test("TCP: connecting to a port nobody listens on is refused")
    func tcpRefused() {
        let pair = HostPair()
        let client = pair.a.open(1, .tcp)
        let request = pair.a.request(1) { .connect(request: $0, socket: client, address: pair.b.address, port: 81) }
        pair.advance(by: .milliseconds(10))
        #expect(replyStatus(pair.a.answer(to: request, client: 1)) == .connectionRefused)
        #expect(pair.b.ip.interfaces[0].counters[.noSocketOnPort] == 1)
    }

    @Test("TCP: closing with data unread resets the connection (as Linux does)")
    func closeWithUnreadDataResets() {
        let pair = HostPair()
        let (client, server, _) = connect(pair)
        pair.b.apps.backlogged = [1]
        pair.a.call(1) { .send(request: $0, socket: client, payload: [1, 2, 3]) }
        pair.advance(by: .milliseconds(100))
        #expect(pair.b.apps.streamBytes(1, socket: server).isEmpty)
        pair.b.call(1) { .close(request: $0, socket: server) }
        let flags = tcpFlags(pair.b.takeFrames())
        #expect(flags.contains { $0.contains(.rst) })
        #expect(!flags.contains { $0.contains(.fin) })
    }

    @Test("TCP: closing after reading ends with a FIN, and the peer hears peerClosed")
    func closeAfterReadingSendsFIN() {
        let pair = HostPair()
        let (client, server, _) = connect(pair)
        pair.a.call(1) { .send(request: $0, socket: client, payload: [1, 2, 3]) }
        pair.advance(by: .milliseconds(100))
        #expect(pair.b.apps.streamBytes(1, socket: server) == [1, 2, 3])
        pair.b.call(1) { .close(request: $0, socket: server) }
        let frames = pair.b.takeFrames()
        let flags = tcpFlags(frames)
        #expect(flags.contains { $0.contains(.fin) })
        #expect(!flags.contains { $0.contains(.rst) })
        for frame in frames { pair.a.receive(frame.frame) }
        pair.advance(by: .milliseconds(100))
        #expect((pair.a.apps.messages[1] ?? []).contains(.peerClosed(socket: client)))
    }

    @Test("TCP: shutting down writing half-closes; the other way still carries data")
    func halfClose() {
        let pair = HostPair()
        let (client, server, _) = connect(pair)
        #expect(replyStatus(pair.a.call(1) { .shutdown(request: $0, socket: client, how: .write) }) == .ok)
        pair.advance(by: .milliseconds(100))
        #expect((pair.b.apps.messages[1] ?? []).contains(.peerClosed(socket: server)))
        let refused = pair.a.call(1) { .send(request: $0, socket: client, payload: [1]) }
        #expect(replyStatus(refused) == .notConnected)
        pair.b.call(1) { .send(request: $0, socket: server, payload: [7, 8]) }
        pair.advance(by: .milliseconds(100))
        #expect(pair.a.apps.streamBytes(1, socket: client) == [7, 8])
    }

    @Test("TCP: a listener accepts several connections")
    func acceptSeveral() {
        let pair = HostPair()
        let listener = pair.b.open(1, .tcp)
        pair.b.call(1) { .bind(request: $0, socket: listener, address: .any, port: 80) }
        pair.b.call(1) { .listen(request: $0, socket: listener, backlog: 4) }
        var requests: [UInt32] = []
        for client in 1...3 {
            let socket = pair.a.open(client, .tcp)
            requests.append(pair.a.request(client) { .connect(request: $0, socket: socket, address: pair.b.address,
                                                              port: 80) })
        }
        pair.advance(by: .milliseconds(10))
        for (index, request) in requests.enumerated() {
            #expect(replyStatus(pair.a.answer(to: request, client: index + 1)) == .ok)
        }
        var peerPorts: Set<UInt16> = []
        for case .accepted(listener, _, let peer, let port, _, 80) in pair.b.apps.messages[1] ?? [] {
            #expect(peer == pair.a.address)
            peerPorts.insert(port)
        }
        #expect(peerPorts.count == 3)
    }

    @Test("TCP: listening twice on a port is 'address in use'; a connected socket cannot listen")
    func listenConflicts() {
        let pair = HostPair()
        let (client, _, _) = connect(pair)
        let other = pair.b.open(2, .tcp)
        #expect(replyStatus(pair.b.call(2) { .bind(request: $0, socket: other, address: .any, port: 80) }) == .addressInUse)
        #expect(replyStatus(pair.a.call(1) { .listen(request: $0, socket: client, backlog: 1) }) == .invalidArgument)
    }

    @Test("TCP: write credit is granted once connected and granted again as ACKs free the buffer")
    func writeCredit() {
        let pair = HostPair()
        let (client, server, _) = connect(pair, aliceFeatures: [.writeCredit])
        let credits = { pair.a.apps.messages[1]?.compactMap { message -> Int? in
            guard case .credit(client, let bytes) = message else { return nil }
            return Int(bytes)
        } ?? [] }
        let first = credits()
        #expect(first == [NodeDaemon.hostBufferSize])
        let payload = [UInt8](repeating: 0x5A, count: 100_000)
        pair.a.app(1, .write(socket: client, payload: payload))
        #expect(pair.a.transport.sockets.sockets[client]?.tcp.credit == NodeDaemon.hostBufferSize - 100_000)
        pair.advance(by: .milliseconds(500))
        #expect(pair.b.apps.streamBytes(1, socket: server).count == 100_000)
        #expect(credits().count >= 2)
        // Re-granted once at least 64 KiB is free again, never more than was written.
        let regranted = credits().dropFirst().reduce(0, +)
        #expect(regranted >= 64 * 1024)
        #expect(regranted <= 100_000)
        // Beyond the credit is a protocol error.
        pair.a.app(1, .write(socket: client, payload: [UInt8](repeating: 0, count: NodeDaemon.hostBufferSize + 1)))
        guard case .error(client, .protocolError, _)? = pair.a.apps.messages[1]?.last else {
            Issue.record("a write beyond the credit is an error")
            return
        }
    }

    @Test("TCP: an app with receive credit gets at most its window unconsumed; consumed brings more")
    func receiveCreditWindow() {
        let pair = HostPair()
        let (client, server, _) = connect(pair, aliceFeatures: [.writeCredit], bobFeatures: [.receiveCredit])
        let window = AppMessage.streamReceiveWindow
        let payload = [UInt8](repeating: 0x42, count: 60_000)
        var written = 0
        // alice writes 600,000 bytes within her credit as it comes; bob's app consumes nothing.
        for _ in 0..<40 where written < 600_000 {
            let credit = pair.a.transport.sockets.sockets[client]?.tcp.credit ?? 0
            let count = min(credit, payload.count, 600_000 - written)
            if count > 0 {
                pair.a.app(1, .write(socket: client, payload: Array(payload[..<count])))
                written += count
            }
            pair.advance(by: .milliseconds(50))
        }
        #expect(pair.b.apps.streamBytes(1, socket: server).count == window)
        #expect(pair.b.transport.sockets.sockets[server]?.tcp.unconsumed == window)
        // The rest waits in bob's TCP receive buffer.
        let waiting = pair.b.transport.tcpStatus(of: pair.b.transport.sockets.sockets[server]!).receiveQueue ?? 0
        #expect(waiting > 0)
        // Consuming a quarter lets a quarter more go.
        pair.b.app(1, .consumed(socket: server, bytes: UInt32(window / 4)))
        pair.advance(by: .milliseconds(50))
        #expect(pair.b.apps.streamBytes(1, socket: server).count == window + window / 4)
        // Closed with bytes unconsumed, the connection is reset, not FINed.
        pair.b.call(1) { .close(request: $0, socket: server) }
        pair.advance(by: .milliseconds(50))
        #expect((pair.a.apps.messages[1] ?? []).contains { if case .error(client, .connectionReset, _) = $0 { true } else { false } })
    }

    @Test("TCP: an app with receive credit that consumed every byte closes with a FIN")
    func receiveCreditAllConsumedFINs() {
        let pair = HostPair()
        let (client, server, _) = connect(pair, bobFeatures: [.receiveCredit])
        pair.a.call(1) { .send(request: $0, socket: client, payload: [UInt8](repeating: 7, count: 5000)) }
        pair.advance(by: .milliseconds(50))
        #expect(pair.b.apps.streamBytes(1, socket: server).count == 5000)
        pair.b.app(1, .consumed(socket: server, bytes: 5000))
        pair.b.call(1) { .close(request: $0, socket: server) }
        pair.advance(by: .milliseconds(50))
        #expect((pair.a.apps.messages[1] ?? []).contains { if case .peerClosed(client) = $0 { true } else { false } })
        #expect(!(pair.a.apps.messages[1] ?? []).contains { if case .error(client, _, _) = $0 { true } else { false } })
    }

    @Test("TCP: a send cut short by a full buffer is followed by writable once ACKs make room")
    func writableNotification() {
        let pair = HostPair()
        let (client, server, _) = connect(pair, sendBufferSize: 4096)
        let answer = pair.a.call(1) { .send(request: $0, socket: client, payload: [UInt8](repeating: 1, count: 10_000)) }
        guard case .sent(_, client, let count)? = answer else {
            Issue.record("expected sent, got \(String(describing: answer))")
            return
        }
        #expect(count < 10_000)
        #expect(count > 0)
        pair.advance(by: .milliseconds(500))
        #expect(pair.b.apps.streamBytes(1, socket: server).count == Int(count))
        #expect((pair.a.apps.messages[1] ?? []).contains { if case .writable(client, _) = $0 { true } else { false } })
    }

    @Test("TCP: stream data waits while the app is backlogged and comes once it drains")
    func backloggedAppHoldsData() {
        let pair = HostPair()
        let (client, server, _) = connect(pair)
        pair.b.apps.backlogged = [1]
        pair.a.call(1) { .send(request: $0, socket: client, payload: Array("held".utf8)) }
        pair.advance(by: .milliseconds(100))
        #expect(pair.b.apps.streamBytes(1, socket: server).isEmpty)
        #expect(pair.b.transport.tcp.connection(TCPConnectionID(localAddress: pair.b.address, localPort: 80,
                                                                remoteAddress: pair.a.address,
                                                                remotePort: pair.a.transport.sockets.sockets[client]?.localPort ?? 0))?
                    .availableByteCount == 4)
        pair.b.apps.backlogged = []
        pair.b.transport.requestTCPPass()  // what AppServer.onDrained asks for
        pair.b.finishWakeUp()
        #expect(pair.b.apps.streamBytes(1, socket: server) == Array("held".utf8))
    }

    @Test("TCP: an app reading stream batches gets the bytes appended in batches")
    func streamBatches() {
        let pair = HostPair()
        let (client, server, _) = connect(pair, bobFeatures: [.streamBatch])
        let batchesBefore = pair.b.apps.batchesSent
        pair.a.call(1) { .send(request: $0, socket: client, payload: [UInt8](repeating: 3, count: 50_000)) }
        pair.advance(by: .milliseconds(200))
        #expect(pair.b.apps.streamBytes(1, socket: server) == [UInt8](repeating: 3, count: 50_000))
        #expect(pair.b.apps.batchesSent > batchesBefore)
    }

    @Test("TCP: status and the sockets listing show state, queues and the app")
    func socketListing() {
        let pair = HostPair()
        let (client, server, listener) = connect(pair)
        _ = udpSocket(pair.b, client: 1, port: 7000)
        let list = pair.b.transport.socketList()
        #expect(list.count == 3)
        let byID = Dictionary(uniqueKeysWithValues: list.map { ($0.id, $0) })
        #expect(byID[listener]?.state == "LISTEN")
        #expect(byID[listener]?.appName == "server")
        #expect(byID[listener]?.pid == 22)
        #expect(byID[server]?.state == "ESTABLISHED")
        #expect(byID[server]?.receiveQueue == 0)
        #expect(byID[server]?.internals?.contains("peer=10.0.0.1:") == true)
        #expect(list.first { $0.protocolName == "udp" }?.state == "UNCONN")
        let status = pair.a.call(1) { .status(request: $0, socket: client) }
        guard case .reply(_, client, .ok, _, _, let text)? = status else {
            Issue.record("expected a status reply")
            return
        }
        #expect(text.hasPrefix("proto=tcp "))
        #expect(text.contains("state=ESTABLISHED"))
        #expect(text.contains("peer=10.0.0.2:80"))
    }

    @Test("TCP: every state change is a transport trace event when traced")
    func tcpTraceEvents() {
        let pair = HostPair()
        pair.a.transport.isTracing = true
        _ = connect(pair)
        let details = pair.a.traceEvents.compactMap(\.detail)
        #expect(details.contains { $0.hasPrefix("event=state conn=10.0.0.1:") && $0.hasSuffix("to=ESTABLISHED") })
        #expect(pair.b.traceEvents.isEmpty)
    }
}
