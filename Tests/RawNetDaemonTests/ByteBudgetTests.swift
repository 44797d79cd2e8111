@testable import RawNetDaemon
import RawNetContracts
import RawNetCore
import RawNetPlatform
import RawNetWire
import Testing

@Suite("Byte budgets")
struct ByteBudgetTests {
    @Test func admits_withinBothTheHoldersAndTheSharedLimit() {
        var budget = ByteBudget<Int>(holderLimit: 100, totalLimit: 150)
        #expect(budget.admits(100, for: 1))
        #expect(!budget.admits(101, for: 1))
        budget.add(90, for: 1)
        #expect(budget.admits(10, for: 1) && !budget.admits(11, for: 1))
        #expect(budget.admits(60, for: 2) && !budget.admits(61, for: 2))  // the shared limit binds first
        budget.add(60, for: 2)
        #expect(budget.total == 150 && !budget.isOverTotal)
        budget.add(1, for: 2)
        #expect(budget.isOverTotal && !budget.isOverLimit(2))
    }

    @Test func remove_andForget_giveBytesBack_neverBelowZero() {
        var budget = ByteBudget<UInt32>(holderLimit: 212_992)
        budget.add(1000, for: 7)
        budget.add(500, for: 8)
        budget.remove(400, for: 7)
        #expect(budget.bytes(of: 7) == 600 && budget.total == 1100)
        budget.remove(10_000, for: 7)
        #expect(budget.bytes(of: 7) == 0 && budget.total == 500 && budget.holderCount == 1)
        budget.forget(8)
        #expect(budget.total == 0 && budget.holderCount == 0)
        budget.remove(5, for: 9)
        #expect(budget.total == 0)
        budget.set(300, for: 9)
        budget.set(100, for: 9)
        #expect(budget.total == 100 && budget.bytes(of: 9) == 100)
        budget.set(0, for: 9)
        #expect(budget.total == 0 && budget.holderCount == 0)
    }

    @Test func largestHolder_isTheOneFurthestBehind() {
        var budget = ByteBudget<Int>(holderLimit: 1000, totalLimit: 1000)
        #expect(budget.largestHolder == nil)
        budget.add(300, for: 1)
        budget.add(500, for: 2)
        budget.add(250, for: 3)
        #expect(budget.isOverTotal)
        #expect(budget.largestHolder == 2)
        budget.forget(2)
        #expect(!budget.isOverTotal && budget.largestHolder == 1)
        budget.add(1001, for: 4)
        #expect(budget.isOverLimit(4))
    }

    @Test func appProtocolLimits_holdTheLargestMessagesEachSideSends() {
        // The largest UDP datagram, a whole ICMP message and a full write fit in one message.
        let udp = AppMessage.sendTo(request: 1, socket: 1, address: .any, port: 9,
                                    payload: [UInt8](repeating: 0, count: AppMessage.maximumUDPPayload))
        let datagram = AppMessage.datagram(socket: 1, from: .any, port: 9, timeToLive: 64,
                                           payload: [UInt8](repeating: 0, count: 65_535 - 20))
        let write = AppMessage.write(socket: 1, payload: [UInt8](repeating: 0, count: AppMessage.maximumWritePayload))
        #expect(udp.encoded().count <= AppMessage.maximumLength)
        #expect(datagram.encoded().count <= AppMessage.maximumLength)
        #expect(write.encoded().count == AppMessage.maximumLength)
        #expect(AppServer.batchLimit <= AppMessage.maximumLength)
    }
}

@Suite("Host transport: full receive queues")
struct HostTransportReceiveQueueTests {
    @Test("UDP: a datagram for a socket whose receive queue is full is a counted, traced 'socket receive queue full' drop")
    func udpFullReceiveQueue() throws {
        let pair = HostPair()
        pair.b.call(1) { .hello(request: $0, pid: 22, features: [], name: "sink") }
        let server = pair.b.open(1, .udp)
        pair.b.call(1) { .bind(request: $0, socket: server, address: .any, port: 7000) }
        let client = pair.a.open(1, .udp)
        func send(_ byte: UInt8) {
            pair.a.call(1) { .sendTo(request: $0, socket: client, address: pair.b.address, port: 7000, payload: [byte]) }
            pair.exchange()
        }
        send(1)
        pair.b.apps.fullSockets = [server]
        send(2)
        send(3)
        let delivered = pair.b.apps.take(1).compactMap { message -> [UInt8]? in
            if case .datagram(server, _, _, _, let payload) = message { return payload }
            return nil
        }
        #expect(delivered == [[1]])
        let drops = pair.b.drops.filter { $0.reason == .socketQueueFull }
        #expect(drops.count == 2)
        #expect(drops.first?.detail?.contains("socket \(server) of app 'sink' on port 7000") == true)
        #expect(pair.b.ip.interfaces[0].counters[.socketQueueFull] == 2)
        let listed = try #require(pair.b.transport.socketList().first { $0.id == server })
        #expect(listed.drops == 2)
        // No ICMP error goes back: the port has a socket, it is only full (as Linux).
        #expect(pair.b.noSocketPackets == 0)
    }
}

/// The app server's bounds on a real app connection that does not read.
@Suite("App server queues")
struct AppServerQueueTests {
    @Test func datagrams_stopAtTheSocketsReceiveBuffer_thenAtTheAppsLimit_andDrainWhenItReads() throws {
        let directory = "/tmp/rnt-apps-\(Processes.currentPID)-\(MonotonicClock.now() % 1_000_000_007)"
        try FileSystem.makeDirectories(directory, mode: 0o700)
        defer { try? FileSystem.removeTree(at: directory) }
        let loop = try EventLoop()
        let server = try AppServer(loop: loop, path: directory + "/h.api") { _, _ in }
        defer { server.close() }
        let app = try UnixConnection.connect(kind: .seqpacket, to: directory + "/h.api")
        try loop.runOnce(timeout: .milliseconds(200))  // accepts it: app 1
        func datagram(_ socket: UInt32) -> AppMessage {
            .datagram(socket: socket, from: .any, port: 9, timeToLive: 64, payload: [UInt8](repeating: 7, count: 60_000))
        }
        // One socket: what the connection's kernel buffer takes, then its own 212,992 bytes.
        var refusal: String?
        for _ in 0..<1000 where refusal == nil { refusal = server.queueDatagram(datagram(1), socket: 1, to: 1) }
        #expect(refusal?.hasPrefix("socket 1 has") == true, "\(refusal ?? "never refused")")
        let held = server.queuedDatagramBytes(socket: 1)
        #expect(held <= AppServer.socketReceiveBuffer && held > AppServer.socketReceiveBuffer - 60_300)
        // More sockets of the same app: each has its own buffer, until the app's 4 MiB are full.
        refusal = nil
        var socket: UInt32 = 2
        while refusal == nil || refusal?.hasPrefix("socket") == true, socket < 200 {
            refusal = server.queueDatagram(datagram(socket), socket: socket, to: 1)
            if refusal != nil { socket += 1 }
        }
        #expect(refusal?.hasPrefix("app has") == true, "\(refusal ?? "")")
        #expect(server.queuedBytes <= AppServer.appOutputLimit && server.queuedBytes > AppServer.appOutputLimit - 60_300)
        // The app reads everything: the queue and every socket's buffer empty.
        var read = 0
        for _ in 0..<10_000 where server.queuedBytes > 0 || read == 0 {
            while let message = try app.read(maximumLength: AppMessage.maximumLength), !message.isEmpty { read += 1 }
            try loop.runOnce(timeout: .milliseconds(10))
        }
        while let message = try app.read(maximumLength: AppMessage.maximumLength), !message.isEmpty { read += 1 }
        #expect(server.queuedBytes == 0)
        #expect(server.queuedDatagramBytes(socket: 1) == 0)
        #expect(read > 70)
    }
}
