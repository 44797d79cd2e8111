@testable import RawNetSocket
import RawNetContracts
import RawNetCore
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import RawNetWire
import RawNetTestSupport
import Testing

/// The socket library's receive credit (`AppFeatures.receiveCredit`): an app
/// that keeps calling into the library but never reads a socket holds at most
/// that socket's receive window; the rest waits in the host (whose TCP window
/// then closes) or, for datagrams, is a counted, traced drop. The host knows
/// what was left unread when the app goes: that resets, as in Linux.
@Suite(.serialized)
struct ReceiveCreditProcessTests {
    private let bob = IPv4Address(10, 0, 2, 20)

    private func connectedPair(_ lab: DaemonTestLab, port: UInt16) throws -> ConnectedPair {
        try ConnectedPair(lab, port: port, bobApp: "idle")
    }

    @Test func streamNotRead_holdsAtMostItsWindow_closesTheWindow_thenResumesByteExact() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let pair = try connectedPair(lab, port: 9400)
        var random = SeededRandomBytes(seed: 24)
        let data = random.bytes(3_000_000)
        // bob's app keeps taking whatever the host sends it (as an app waiting on its keyboard
        // and its sockets does) but never reads the stream; alice writes all she can.
        var offset = 0
        var idleSince = MonotonicClock.now()
        var mostHeld = 0
        while MonotonicClock.now() - idleSince < 1_500_000_000 {
            let taken = try pair.client.writeAvailable(Array(data[offset...]))
            offset += taken
            if taken > 0 { idleSince = MonotonicClock.now() }
            try pair.bob.wait(timeout: .milliseconds(5))
            mostHeld = max(mostHeld, pair.bob.unreadByteCount)
            try pair.alice.wait(timeout: .milliseconds(5))
        }
        print("alice wrote \(offset) bytes; bob's library held at most \(mostHeld)")
        #expect(offset < data.count, "backpressure never reached alice")
        #expect(mostHeld > 0 && mostHeld <= AppMessage.streamReceiveWindow,
                "bob's library held \(mostHeld) bytes unread")
        // The rest waits in bob's TCP receive buffer, and alice's send buffer holds what bob's window refused.
        let bobSocket = try #require(try lab.sockets("bob").first { $0.id == pair.server.id })
        #expect((bobSocket.receiveQueue ?? 0) > 0, "\(bobSocket)")
        let aliceSocket = try #require(try lab.sockets("alice").first { $0.id == pair.client.id })
        #expect((aliceSocket.sendQueue ?? 0) > 0, "\(aliceSocket)")
        // bob reads: the stream resumes and every byte arrives, in order.
        var received: [UInt8] = []
        var isShut = false
        var lastProgress = MonotonicClock.now()
        while received.count < data.count && MonotonicClock.now() - lastProgress < 10_000_000_000 {
            if offset < data.count {
                offset += try pair.client.writeAvailable(Array(data[offset...]))
            } else if !isShut {
                try pair.client.shutdownWrite()
                isShut = true
            }
            if let chunk = try pair.server.read(maxCount: 1 << 20, timeout: .milliseconds(20)), !chunk.isEmpty {
                received += chunk
                lastProgress = MonotonicClock.now()
            }
        }
        #expect(received.count == data.count)
        #expect(byteDifference(received, data) == nil)
    }

    @Test func datagramsNotRead_beyondTheReceiveBuffer_areCountedTracedDrops() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let deafHost = try HostConnection(runDirectory: lab.runDirectory, host: "bob", appName: "deaf")
        let deaf = try UDPSocket(deafHost)
        try deaf.bind(port: 7100)
        let watcher = try DropWatcher(lab, node: "bob", reason: .socketQueueFull)
        func readTrace(timeout: Duration = .zero) throws { try watcher.read(timeout: timeout) }
        // 400 datagrams of 1,000 bytes from another app on bob to bob itself (no link in the way);
        // the deaf app keeps taking what its host sends but never receives.
        let flooder = try HostConnection(runDirectory: lab.runDirectory, host: "bob", appName: "flood")
        let socket = try UDPSocket(flooder)
        let payload = [UInt8](repeating: 0x3C, count: 1000)
        var mostHeld = 0
        for index in 1...400 {
            try socket.send(payload, to: bob, port: 7100)
            if index % 10 == 0 {
                try deafHost.wait(timeout: .zero)
                mostHeld = max(mostHeld, deafHost.unreadByteCount)
                try readTrace()
            }
        }
        for _ in 0..<20 {
            try deafHost.wait(timeout: .milliseconds(20))
            mostHeld = max(mostHeld, deafHost.unreadByteCount)
        }
        try readTrace(timeout: .milliseconds(300))
        print("the deaf app held at most \(mostHeld) bytes of datagrams")
        #expect(mostHeld <= AppMessage.datagramReceiveBuffer)
        let drops = try lab.status("bob").localDrops?[.socketQueueFull] ?? 0
        let fit = AppMessage.datagramReceiveBuffer / AppMessage.receiveCost(ofDatagram: payload.count)
        #expect(drops >= 400 - fit - 1, "\(drops) drops")
        #expect(watcher.count == drops)
        let listed = try #require(try lab.sockets("bob").first { $0.id == deaf.id })
        #expect(listed.drops == drops)
        // What the app does read arrives whole; every datagram was read or dropped.
        var received = 0
        while let datagram = try deaf.receive(timeout: .milliseconds(300)) {
            #expect(datagram.payload == payload)
            received += 1
        }
        #expect(received + drops == 400, "received \(received), dropped \(drops)")
        // Reading gave the buffer back: the next datagram is taken.
        try socket.send(payload, to: bob, port: 7100)
        #expect(try deaf.receive(timeout: .seconds(2))?.payload == payload)
    }

    @Test func appGoneWithBytesItNeverRead_resets_oneThatReadThemAll_closesWithFIN() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        var random = SeededRandomBytes(seed: 25)
        let data = random.bytes(100_000)

        // bob's library took every byte from the host but the app read none: like data left in a
        // Linux socket's receive queue, closing resets, and alice hears it.
        let unread = try connectedPair(lab, port: 9401)
        try unread.client.write(data)
        let deadline = MonotonicClock.now() + 5_000_000_000
        while unread.bob.unreadByteCount < data.count && MonotonicClock.now() < deadline {
            MonotonicClock.sleep(for: .milliseconds(10))
            try unread.bob.wait(timeout: .zero)  // takes what the host sent, reads nothing
        }
        #expect(unread.bob.unreadByteCount == data.count)
        #expect(try lab.sockets("bob").first { $0.id == unread.server.id }?.receiveQueue == 0,
                "the host still holds bytes: this would reset anyway")
        unread.bob.close()
        #expect(throws: NetworkError.connectionReset) {
            _ = try unread.client.read(maxCount: 1 << 20, timeout: .seconds(5))
        }

        // bob's app read every byte, then went: a FIN, alice reads the end of stream.
        let read = try connectedPair(lab, port: 9402)
        try read.client.write(data)
        var received: [UInt8] = []
        while received.count < data.count, let chunk = try read.server.read(maxCount: 1 << 20, timeout: .seconds(5)),
              !chunk.isEmpty {
            received += chunk
        }
        #expect(byteDifference(received, data) == nil)
        read.bob.close()
        #expect(try read.client.read(maxCount: 1 << 20, timeout: .seconds(5)) == [])
    }
}
