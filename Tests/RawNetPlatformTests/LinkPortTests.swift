import Glibc
import Testing
@testable import RawNetPlatform

@Suite struct LinkPortTests {
    @Test func framesFlowBothWays() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let loop = try EventLoop()
        var receivedAtB: [[UInt8]] = []
        var receivedAtA: [[UInt8]] = []
        let a = try LinkPort(loop: loop, localPath: dir.file("a"), peerPath: dir.file("b")) { receivedAtA.append(Array($0)) }
        let b = try LinkPort(loop: loop, localPath: dir.file("b"), peerPath: dir.file("a")) { receivedAtB.append(Array($0)) }
        for i in 0..<100 { a.send([UInt8(i), 1, 2]) }
        b.send([42])
        #expect(try run(loop, until: { receivedAtB.count == 100 && receivedAtA.count == 1 }))
        #expect(receivedAtB.map { $0[0] } == (0..<100).map { UInt8($0) })
        #expect(a.counters.framesOut == 100 && a.counters.bytesOut == 300)
        #expect(b.counters.framesIn == 100 && b.counters.totalDrops == 0)
        #expect(a.counters.totalDrops == 0)
    }

    @Test func peerDownIsCountedAndRestartedPeerIsPickedUp() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let loop = try EventLoop()
        var received = 0
        let a = try LinkPort(loop: loop, localPath: dir.file("a"), peerPath: dir.file("b"))
        // No peer yet.
        a.send([1])
        #expect(a.counters.drops[.peerDown] == 1)
        var b: LinkPort? = try LinkPort(loop: loop, localPath: dir.file("b"), peerPath: dir.file("a")) { _ in received += 1 }
        a.send([2])
        #expect(try run(loop, until: { received == 1 }))
        // The peer goes away, then comes back at the same path.
        b?.close()
        b = nil
        a.send([3])
        #expect(a.counters.drops[.peerDown] == 2)
        let b2 = try LinkPort(loop: loop, localPath: dir.file("b"), peerPath: dir.file("a")) { _ in received += 1 }
        a.send([4])
        a.send([5])
        #expect(try run(loop, until: { received == 3 }))
        #expect(b2.counters.framesIn == 2)
        #expect(a.counters.framesOut == 3)
    }

    @Test func egressQueueIsBoundedWhenPeerDoesNotRead() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let loop = try EventLoop()
        let a = try LinkPort(loop: loop, localPath: dir.file("a"), peerPath: dir.file("b"), queueLimit: 8)
        // A bare socket that does not read: its kernel queue fills after ~10 datagrams.
        let silent = try UnixDatagramSocket(boundTo: dir.file("b"))
        let frame = [UInt8](repeating: 0xAB, count: 1514)
        for _ in 0..<40 { a.send(frame) }
        #expect(a.counters.framesOut >= 1 && a.counters.framesOut < 40)
        #expect(a.queuedFrames == 8)
        #expect(a.counters.drops[.queueOverflow] == 40 - 8 - a.counters.framesOut)
        #expect(loop.isWatchingWritable(a.senderDescriptor))
        // The loop does not block while the peer is full.
        let before = MonotonicClock.now()
        try loop.runOnce(timeout: .milliseconds(50))
        #expect(MonotonicClock.now() - before < 1_000_000_000)
        // Once the peer reads, the queue drains and writable interest ends.
        var drained = 0
        let sentBefore = a.counters.framesOut
        #expect(try run(loop, until: {
            while (try? silent.receive()) ?? nil != nil { drained += 1 }
            return a.queuedFrames == 0
        }))
        while (try? silent.receive()) ?? nil != nil { drained += 1 }
        #expect(a.counters.framesOut == sentBefore + 8)
        #expect(drained == a.counters.framesOut)
        #expect(!loop.isWatchingWritable(a.senderDescriptor))
    }

    @Test func datagramsFromAnyoneButThePeer_areCountedDrops_neverFrames() throws {
        let dir = TemporaryDirectory()
        let elsewhere = TemporaryDirectory()
        defer { dir.remove(); elsewhere.remove() }
        let loop = try EventLoop()
        var frames: [[UInt8]] = [], foreign: [[UInt8]] = []
        let a = try LinkPort(loop: loop, localPath: dir.file("a"), peerPath: dir.file("b")) { frames.append(Array($0)) }
        a.onForeignFrame = { foreign.append(Array($0)) }
        // An unbound sender, and one standing for an interface the topology does not cable to a.
        let injector = try LinkClient(kind: .datagram, connectingTo: dir.file("a"))
        let stranger = try LinkClient(kind: .datagram, connectingTo: dir.file("a"), as: elsewhere.file("b"))
        #expect(injector.send([1]) == .sent)
        #expect(stranger.send([2]) == .sent)
        #expect(try run(loop, until: { foreign.count == 2 }))
        #expect(frames.isEmpty)
        #expect(a.counters.drops[.notFromPeer] == 2 && a.counters.framesIn == 0)

        // The peer's port, a client standing for the peer, and a socket bound at the peer's own path are the peer.
        let b = try LinkPort(loop: loop, localPath: dir.file("b"), peerPath: dir.file("a"))
        b.send([3])
        #expect(try run(loop, until: { frames == [[3]] }))
        b.close()
        let client = try LinkClient(kind: .datagram, connectingTo: dir.file("a"), as: dir.file("b"))
        #expect(client.send([4]) == .sent)
        #expect(try run(loop, until: { frames == [[3], [4]] }))
        client.close()
        let byHand = try UnixDatagramSocket(boundTo: dir.file("b"))
        #expect(try byHand.send([5], to: dir.file("a")) == .sent)
        #expect(try run(loop, until: { frames == [[3], [4], [5]] }))
        #expect(a.counters.framesIn == 3 && a.counters.drops[.notFromPeer] == 2)
    }

    @Test func senderName_isAbstractAndStablePerPath() {
        let name = LinkPort.senderName(standingFor: "/run/user/0/rawnet/basic/r1.eth0")
        #expect(name.first == 0 && name.count == 1 + "rawnet-link-".utf8.count + 16)
        #expect(name == LinkPort.senderName(standingFor: "/run/user/0/rawnet/basic/r1.eth0"))
        #expect(name != LinkPort.senderName(standingFor: "/run/user/0/rawnet/basic/r1.eth1"))
    }
}
