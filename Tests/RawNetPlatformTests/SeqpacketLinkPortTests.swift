import Glibc
import Testing
@testable import RawNetPlatform

/// Seqpacket link ports: `a` (path sorts first) listens for the cable, `b` connects.
@Suite struct SeqpacketLinkPortTests {
    @Test func connectingEnd_isTheOneWhosePathSortsLast() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let loop = try EventLoop()
        let a = try SeqpacketLinkPort(loop: loop, localPath: dir.file("a"), peerPath: dir.file("b"))
        let b = try SeqpacketLinkPort(loop: loop, localPath: dir.file("b"), peerPath: dir.file("a"))
        #expect(!a.isConnecting && b.isConnecting)
        #expect(b.isConnected, "a listener was there: the connect completes at once")
        #expect(try run(loop, until: { a.isConnected }))
        #expect(a.socketKind == .seqpacket)
    }

    @Test func framesFlowBothWays_inOrder() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let loop = try EventLoop()
        var atA: [[UInt8]] = [], atB: [[UInt8]] = []
        let a = try SeqpacketLinkPort(loop: loop, localPath: dir.file("a"), peerPath: dir.file("b")) { atA.append(Array($0)) }
        let b = try SeqpacketLinkPort(loop: loop, localPath: dir.file("b"), peerPath: dir.file("a")) { atB.append(Array($0)) }
        for i in 0..<100 { b.send([UInt8(i), 1, 2]) }
        #expect(try run(loop, until: { a.isConnected }))
        a.send([42])
        #expect(try run(loop, until: { atA.count == 100 && atB.count == 1 }))
        #expect(atA.map { $0[0] } == (0..<100).map { UInt8($0) }, "the hello is not a frame; order is kept")
        #expect(atB == [[42]])
        #expect(b.counters.framesOut == 100 && b.counters.bytesOut == 300 && b.counters.totalDrops == 0)
        #expect(a.counters.framesIn == 100 && b.counters.framesIn == 1)
    }

    @Test func noPeer_isANotConnectedDrop_andTheConnectingEndRetriesUntilThePeerComes() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let loop = try EventLoop()
        var received = 0
        let b = try SeqpacketLinkPort(loop: loop, localPath: dir.file("b"), peerPath: dir.file("a"))
        b.send([1])
        #expect(b.counters.drops[.notConnected] == 1)
        #expect(!b.isConnected && loop.nextDeadline != nil, "a retry is scheduled on the loop")
        try loop.runOnce(timeout: .milliseconds(30))
        let a = try SeqpacketLinkPort(loop: loop, localPath: dir.file("a"), peerPath: dir.file("b")) { _ in received += 1 }
        #expect(try run(loop, until: { b.isConnected && a.isConnected }))
        b.send([2])
        #expect(try run(loop, until: { received == 1 }))
    }

    @Test func framesWaitingWhenTheCableBreaks_areEachReportedAsDropped() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let loop = try EventLoop(), peerLoop = try EventLoop()
        let a = try SeqpacketLinkPort(loop: loop, localPath: dir.file("a"), peerPath: dir.file("b"), queueLimit: 64)
        var reported: [(LinkDropReason, [UInt8])] = []
        a.onQueuedDrop = { reported.append(($0, $1)) }
        // b's loop never runs: b reads nothing, so a's frames fill the kernel's buffer, then a's queue.
        var b: SeqpacketLinkPort? = try SeqpacketLinkPort(loop: peerLoop, localPath: dir.file("b"), peerPath: dir.file("a"))
        #expect(try run(loop, until: { a.isConnected }))
        var answers: [LinkDropReason?] = []
        for i in 0..<2_000 { answers.append(a.send([UInt8(i % 256), UInt8(i / 256)] + [UInt8](repeating: 7, count: 998))) }
        let queued = a.queuedFrames
        #expect(queued == 64, "the queue is full")
        #expect(answers.filter { $0 == .queueOverflow }.count == a.counters.drops[.queueOverflow],
                "each frame refused at once is refused in send's answer, not reported later")
        #expect(reported.isEmpty)
        let firstQueued = answers.firstIndex { $0 == .queueOverflow }.map { $0 - queued }
        b?.close()
        b = nil
        #expect(try run(loop, until: { !a.isConnected }))
        #expect(a.queuedFrames == 0)
        #expect(reported.count == queued && a.counters.drops[.notConnected] == queued,
                "every frame that waited is reported once, with the reason counted")
        #expect(reported.allSatisfy { $0.0 == .notConnected })
        let numbers = reported.map { Int($0.1[0]) + Int($0.1[1]) * 256 }
        #expect(firstQueued.map { Array($0..<($0 + queued)) } == numbers, "the frames that waited, in their order")
    }

    @Test func listeningPeerRestarts_connectingEndReconnects() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let loop = try EventLoop()
        var received = 0
        var a: SeqpacketLinkPort? = try SeqpacketLinkPort(loop: loop, localPath: dir.file("a"), peerPath: dir.file("b"))
        let b = try SeqpacketLinkPort(loop: loop, localPath: dir.file("b"), peerPath: dir.file("a"))
        #expect(try run(loop, until: { a!.isConnected }))
        a?.close()
        a = nil
        #expect(try run(loop, until: { !b.isConnected }), "the cable's end of file is seen")
        b.send([3])
        #expect(b.counters.drops[.notConnected] == 1)
        let a2 = try SeqpacketLinkPort(loop: loop, localPath: dir.file("a"), peerPath: dir.file("b")) { _ in received += 1 }
        #expect(try run(loop, until: { b.isConnected && a2.isConnected }))
        b.send([4])
        b.send([5])
        #expect(try run(loop, until: { received == 2 }))
    }

    @Test func connectingPeerRestarts_listenerTakesTheNewConnection() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let loop = try EventLoop()
        var received = 0
        let a = try SeqpacketLinkPort(loop: loop, localPath: dir.file("a"), peerPath: dir.file("b"))
        var b: SeqpacketLinkPort? = try SeqpacketLinkPort(loop: loop, localPath: dir.file("b"), peerPath: dir.file("a")) { _ in
            received += 1
        }
        #expect(try run(loop, until: { a.isConnected }))
        let first = a.cableDescriptor
        b?.close()
        b = nil
        #expect(try run(loop, until: { !a.isConnected }))
        a.send([6])
        #expect(a.counters.drops[.notConnected] == 1)
        let b2 = try SeqpacketLinkPort(loop: loop, localPath: dir.file("b"), peerPath: dir.file("a")) { _ in received += 1 }
        #expect(try run(loop, until: { a.isConnected }))
        #expect(a.cableDescriptor != nil && b2.isConnected)
        _ = first
        a.send([7])
        #expect(try run(loop, until: { received == 1 }))
        #expect(a.otherConnections == 0)
    }

    @Test func injector_framesArrive_butTheCableStays() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let loop = try EventLoop()
        var atA: [[UInt8]] = [], atB: [[UInt8]] = []
        let a = try SeqpacketLinkPort(loop: loop, localPath: dir.file("a"), peerPath: dir.file("b")) { atA.append(Array($0)) }
        let b = try SeqpacketLinkPort(loop: loop, localPath: dir.file("b"), peerPath: dir.file("a")) { atB.append(Array($0)) }
        #expect(try run(loop, until: { a.isConnected }))
        let injector = try LinkClient(kind: .seqpacket, connectingTo: dir.file("a"))
        #expect(injector.send([0xEE, 1]) == .sent)
        #expect(try run(loop, until: { atA == [[0xEE, 1]] }))
        a.send([9])
        #expect(try run(loop, until: { atB == [[9]] }), "frames still leave on the cable, not to the injector")
        #expect(try injector.receive(timeout: .milliseconds(20)) == nil)
        // A hello naming a path that is not the peer's is refused.
        let stranger = try LinkClient(kind: .seqpacket, connectingTo: dir.file("a"), as: dir.file("c"))
        _ = try run(loop, until: { false }, timeout: .milliseconds(100))
        #expect(a.otherConnections == 1, "only the injector stays")
        #expect(throws: Errno.self) { _ = try stranger.receive(timeout: .seconds(1)) }
        #expect(a.isConnected && b.isConnected)
    }

    @Test func clientStandingForThePeer_becomesTheCable() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let loop = try EventLoop()
        var atA: [[UInt8]] = []
        let a = try SeqpacketLinkPort(loop: loop, localPath: dir.file("a"), peerPath: dir.file("b")) { atA.append(Array($0)) }
        let client = try LinkClient(kind: .seqpacket, connectingTo: dir.file("a"), as: dir.file("b"))
        #expect(try run(loop, until: { a.isConnected }))
        #expect(try client.waitForAnswer(timeout: .seconds(1)))
        a.send([1, 2, 3])
        #expect(try client.receive(timeout: .seconds(1)) == [1, 2, 3])
        #expect(client.send([4]) == .sent)
        #expect(try run(loop, until: { atA == [[4]] }))
    }

    @Test func liveCable_isNotTakenOverByAHelloNamingThePeer() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let loop = try EventLoop()
        var atA: [[UInt8]] = []
        let a = try SeqpacketLinkPort(loop: loop, localPath: dir.file("a"), peerPath: dir.file("b")) { atA.append(Array($0)) }
        let peer = try LinkClient(kind: .seqpacket, connectingTo: dir.file("a"), as: dir.file("b"))
        #expect(try run(loop, until: { a.isConnected }))
        #expect(try peer.waitForAnswer(timeout: .seconds(1)))
        // The attack: a second connection claiming to be b while b's cable is alive.
        let claimant = try LinkClient(kind: .seqpacket, connectingTo: dir.file("a"), as: dir.file("b"))
        #expect(try run(loop, until: { a.counters.refusedCables == 1 }))
        #expect(throws: Errno.self) { _ = try claimant.receive(timeout: .seconds(1)) }
        #expect(a.otherConnections == 0)
        a.send([5, 5])
        #expect(try peer.receive(timeout: .seconds(1)) == [5, 5], "frames still leave on the real cable")
        #expect(peer.send([6]) == .sent)
        #expect(try run(loop, until: { atA == [[6]] }))
        #expect(a.counters.drops.isEmpty)
    }

    @Test func helloNamingAnotherPathWithThePeersFileName_isRefused() throws {
        let dir = TemporaryDirectory()
        let elsewhere = TemporaryDirectory()
        defer { dir.remove(); elsewhere.remove() }
        let loop = try EventLoop()
        let a = try SeqpacketLinkPort(loop: loop, localPath: dir.file("a"), peerPath: dir.file("b"))
        let impostor = try LinkClient(kind: .seqpacket, connectingTo: dir.file("a"), as: elsewhere.file("b"))
        #expect(try run(loop, until: { a.counters.refusedCables == 1 }))
        #expect(!a.isConnected, "no cable was there, and still the impostor is not taken")
        #expect(throws: Errno.self) { _ = try impostor.receive(timeout: .seconds(1)) }
    }

    @Test func restartedPeer_isTakenAtOnce_evenBeforeTheOldCablesEndIsRead() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let loop = try EventLoop()
        let a = try SeqpacketLinkPort(loop: loop, localPath: dir.file("a"), peerPath: dir.file("b"))
        let first = try LinkClient(kind: .seqpacket, connectingTo: dir.file("a"), as: dir.file("b"))
        #expect(try run(loop, until: { a.isConnected }))
        #expect(try first.waitForAnswer(timeout: .seconds(1)))
        // The peer dies and comes back before a's loop has run: both events wait together.
        first.close()
        let second = try LinkClient(kind: .seqpacket, connectingTo: dir.file("a"), as: dir.file("b"))
        #expect(try run(loop, until: { (try? second.waitForAnswer(timeout: .zero)) == true }))
        #expect(a.isConnected && a.counters.refusedCables == 0)
        a.send([8])
        #expect(try second.receive(timeout: .seconds(1)) == [8])
    }

    @Test func egressQueueIsBounded_andDrainsWhenThePeerReads() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let loop = try EventLoop()
        let (a, silent) = try portToASilentPeer(in: dir, loop: loop)
        let frame = [UInt8](repeating: 0xAB, count: 1514)
        for _ in 0..<1_000 { a.send(frame) }
        #expect(a.counters.framesOut >= 1 && a.counters.framesOut < 1_000)
        #expect(a.queuedFrames == 8)
        #expect(a.counters.drops[.queueOverflow] == 1_000 - 8 - a.counters.framesOut)
        let cable = try #require(a.cableDescriptor)
        #expect(loop.isWatchingWritable(cable))
        let before = MonotonicClock.now()
        try loop.runOnce(timeout: .milliseconds(50))
        #expect(MonotonicClock.now() - before < 1_000_000_000, "the loop does not block")
        var drained = 0
        let sentBefore = a.counters.framesOut
        #expect(try run(loop, until: {
            while (try? silent.receive(timeout: .zero)) ?? nil != nil { drained += 1 }
            return a.queuedFrames == 0
        }))
        while (try? silent.receive(timeout: .milliseconds(10))) ?? nil != nil { drained += 1 }
        #expect(a.counters.framesOut == sentBefore + 8)
        #expect(drained == a.counters.framesOut)
        #expect(!loop.isWatchingWritable(cable))
    }

    /// Sends made during a burst wait for its end and then leave together, in order; sends
    /// outside one leave at once. A forwarder reading frames on one port sends on the other.
    @Test func sendsDuringABurst_leaveWhenItEnds_inOrder() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let loop = try EventLoop()
        let a = try SeqpacketLinkPort(loop: loop, localPath: dir.file("a"), peerPath: dir.file("b"))
        let peer = try LinkClient(kind: .seqpacket, connectingTo: dir.file("a"), as: dir.file("b"))
        #expect(try run(loop, until: { a.isConnected }))
        a.send([1])
        #expect(a.counters.framesOut == 1, "outside a burst a frame is written at once")
        loop.batchingSends {
            for i in 2...40 { a.send([UInt8(i), 0xEE]) }
            #expect(a.counters.framesOut == 1, "held until the burst ends")
            loop.batchingSends { _ = a.send([41]) }
            #expect(a.counters.framesOut == 1, "an inner burst's end is not the end")
        }
        #expect(a.counters.framesOut == 41 && a.counters.bytesOut == 1 + 39 * 2 + 1 && a.queuedFrames == 0)
        var got: [UInt8] = []
        while let frame = try peer.receive(timeout: .milliseconds(20)) { got.append(frame[0]) }
        #expect(got == Array(1...41))
    }

    /// A frame refused during a burst is refused when it is sent, where the caller counts and
    /// traces it, never at the flush: every frame is sent, waiting or dropped as `send` returns.
    @Test func duringABurst_aFullQueueRefusesAtOnce_andTheFlushDropsNothing() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let loop = try EventLoop()
        let (a, silent) = try portToASilentPeer(in: dir, loop: loop)
        let frame = [UInt8](repeating: 0xCD, count: 1514)
        var accountedEachTime = true, dropsBeforeTheFlush = -1
        loop.batchingSends {
            for sent in 1...1_000 {
                a.send(frame)
                accountedEachTime = accountedEachTime && a.counters.framesOut + a.queuedFrames + a.counters.totalDrops == sent
            }
            dropsBeforeTheFlush = a.counters.totalDrops
        }
        #expect(accountedEachTime)
        #expect(a.counters.totalDrops == dropsBeforeTheFlush, "the flush drops nothing")
        #expect(a.queuedFrames == 8, "the queue is full, not beyond")
        #expect(a.counters.framesOut > 8, "the socket took frames too")
        #expect(a.counters.drops[.queueOverflow] == 1_000 - 8 - a.counters.framesOut)
        _ = silent
    }

    @Test func framesReadInBursts_areForwardedWhole_andInOrder() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let loop = try EventLoop()
        var out: SeqpacketLinkPort?
        // in: sorts first, listens; the client connects to it standing for "x".
        let inbound = try SeqpacketLinkPort(loop: loop, localPath: dir.file("a-in"), peerPath: dir.file("x")) { out?.send(Array($0)) }
        out = try SeqpacketLinkPort(loop: loop, localPath: dir.file("a-out"), peerPath: dir.file("y"))
        let sender = try LinkClient(kind: .seqpacket, connectingTo: dir.file("a-in"), as: dir.file("x"))
        let receiver = try LinkClient(kind: .seqpacket, connectingTo: dir.file("a-out"), as: dir.file("y"))
        #expect(try run(loop, until: { inbound.isConnected && out!.isConnected }))
        let sizes = (0..<300).map { [60, 1514, 9000, 65_536][$0 % 4] }
        var got: [[UInt8]] = []
        for (i, size) in sizes.enumerated() {
            var frame = [UInt8](repeating: UInt8(truncatingIfNeeded: i), count: size)
            frame[0] = UInt8(i % 256)
            frame[1] = UInt8(i / 256)
            while true {
                if case .sent = sender.send(frame) { break }
                try loop.runOnce(timeout: .milliseconds(1))
                while let frame = try receiver.receive(timeout: .zero) { got.append(frame) }
            }
        }
        #expect(try run(loop, until: {
            while let frame = try? receiver.receive(timeout: .zero) { got.append(frame) }
            return got.count == sizes.count
        }))
        #expect(got.map(\.count) == sizes, "every frame whole, the largest a link carries too")
        #expect(got.map { Int($0[0]) + Int($0[1]) * 256 } == Array(0..<sizes.count))
        #expect(out!.counters.framesOut == sizes.count && out!.counters.totalDrops == 0)
    }

    /// A port with a queue of 8 whose peer takes the cable but does not read: its socket buffer fills.
    /// A long queue leaves whole and in order once the peer reads:
    /// frames numbered as they were sent arrive numbered so, none twice, each counted once.
    @Test func aLongQueue_drainsInBatches_inOrder() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let loop = try EventLoop()
        let (a, silent) = try portToASilentPeer(in: dir, loop: loop, queueLimit: 300)
        for number in 0..<2_000 { a.send([UInt8(number >> 8), UInt8(number & 0xFF)] + [UInt8](repeating: 0, count: 1_498)) }
        let queued = a.queuedFrames
        #expect(queued > 64, "a long queue: \(queued)")
        let accepted = a.counters.framesOut + queued
        var numbers: [Int] = []
        #expect(try run(loop, until: {
            while let frame = (try? silent.receive(timeout: .zero)) ?? nil { numbers.append(Int(frame[0]) << 8 | Int(frame[1])) }
            return a.queuedFrames == 0
        }))
        while let frame = (try? silent.receive(timeout: .milliseconds(10))) ?? nil { numbers.append(Int(frame[0]) << 8 | Int(frame[1])) }
        #expect(numbers == Array(0..<accepted), "received \(numbers.count) of \(accepted)")
        #expect(a.counters.framesOut == accepted)
    }

    private func portToASilentPeer(in dir: TemporaryDirectory, loop: EventLoop,
                                   queueLimit: Int = 8) throws -> (SeqpacketLinkPort, LinkClient) {
        let port = try SeqpacketLinkPort(loop: loop, localPath: dir.file("a"), peerPath: dir.file("b"), queueLimit: queueLimit)
        let silent = try LinkClient(kind: .seqpacket, connectingTo: dir.file("a"), as: dir.file("b"))
        #expect(try run(loop, until: { port.isConnected }))
        return (port, silent)
    }

    @Test func pathTooLong_isAClearError() throws {
        let loop = try EventLoop()
        let long = "/tmp/" + String(repeating: "x", count: 110)
        #expect(throws: SocketError.pathTooLong(path: long, byteCount: long.utf8.count, limit: 107)) {
            _ = try SeqpacketLinkPort(loop: loop, localPath: long, peerPath: "/tmp/peer")
        }
        #expect(throws: SocketError.self) {
            _ = try LinkSocketKind.seqpacket.openPort(loop: loop, localPath: "/tmp/rn-short", peerPath: long)
        }
    }

    @Test func hello_roundTrips_andOtherBytesAreNotOne() {
        #expect(LinkHello.path(in: LinkHello.message(from: "/run/lab/alice.eth0")) == "/run/lab/alice.eth0")
        #expect(LinkHello.path(in: Array("rawnet-link 1 ".utf8)) == nil)
        #expect(LinkHello.path(in: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 2, 0, 0, 0, 0, 1, 8, 0]) == nil)
        #expect(LinkHello.path(in: []) == nil)
    }
}
