import RawNetCore
import RawNetWire
import Testing

private let payload = Array("rawnet ping".utf8)

private func echo(_ sequence: UInt16) -> IPv4Payload {
    .icmp(.echoRequest(identifier: 7, sequence: sequence, payload: payload))
}

private func isARP(_ frame: [UInt8]) -> Bool {
    if case .arp = DecodedFrame(parsing: frame).payload { return true }
    return false
}

@Suite struct NetworkIPNodeTests {
    @Test func ping_resolvesARP_thenAnswersBothWays() throws {
        var lab = TestLab.basic()
        lab.run("alice") { node, now in node.send(echo(1), to: TestLab.bob, now: now) }

        let reply = try #require(lab.delivered["alice"]?.first)
        #expect(reply.icmp == .echoReply(identifier: 7, sequence: 1, payload: payload))
        #expect(reply.header.source == TestLab.bob)
        #expect(reply.header.destination == TestLab.alice)
        #expect(reply.header.timeToLive == 63)  // one router on the way back
        #expect(reply.interface == 0)
        // alice asked for her gateway, r1 for bob; bob learned r1 from r1's request.
        let arpFrames = lab.sent.filter { isARP($0.frame) }
        #expect(arpFrames.count == 4)  // two requests, two replies
        #expect(lab.events["alice"]?.contains(.arpResolved(interface: 0, address: TestLab.r1West,
                                                           macAddress: MACAddress.derived(from: "r1.eth0"))) == true)
        #expect(lab.events["r1"]?.contains(.forwarded(from: 0, to: 1, source: TestLab.alice,
                                                      destination: TestLab.bob, timeToLive: 63)) == true)
        #expect(lab.events["bob"]?.contains(.echoAnswered(to: TestLab.alice, identifier: 7, sequence: 1)) == true)

        // Every frame on the wire decodes cleanly: lengths and checksums right, TTL
        // decremented with a valid checksum by r1.
        for sent in lab.sent {
            let decoded = DecodedFrame(parsing: sent.frame)
            #expect(decoded.error == nil, "\(sent.from): \(decoded)")
            #expect(sent.frame.count >= 60)
        }
        let forwarded = lab.frames(from: "r1").map { DecodedFrame(parsing: $0) }.compactMap(\.ipv4)
        #expect(forwarded.map(\.timeToLive) == [63, 63])

        // The other way: every neighbour is known now, so no more ARP.
        let before = lab.sent.count
        lab.run("bob") { node, now in node.send(echo(2), to: TestLab.alice, now: now) }
        #expect(lab.delivered["bob"]?.first?.icmp == .echoReply(identifier: 7, sequence: 2, payload: payload))
        #expect(lab.sent[before...].allSatisfy { !isARP($0.frame) })
        #expect(lab.sent.count - before == 4)
        #expect(lab.drops.isEmpty)
        // r1 eth0 got alice's ARP request, her echo request and her echo reply;
        // r1 eth1 sent its ARP request for bob and those two packets.
        #expect(lab.nodes["r1"]!.interfaces[0].counters.receivedFrames == 3)
        #expect(lab.nodes["r1"]!.interfaces[1].counters.sentFrames == 3)
    }

    @Test func ttlExpiry_sendsTimeExceededQuotingTheOriginal() throws {
        var lab = TestLab.basic()
        lab.run("alice") { node, now in node.send(echo(1), to: TestLab.bob, timeToLive: 1, now: now) }

        let sentByAlice = try #require(lab.frames(from: "alice").first { !isARP($0) })
        let original = Array(sentByAlice[14..<(14 + 20 + 8 + payload.count)])
        let error = try #require(lab.delivered["alice"]?.first)
        #expect(error.header.source == TestLab.r1West)  // the interface it came in on
        #expect(error.header.destination == TestLab.alice)
        guard case .timeExceeded(.timeToLive, let quoted)? = error.icmp else {
            Issue.record("expected time exceeded, got \(String(describing: error.icmp))"); return
        }
        #expect(quoted == original)  // all of it (it fits in 576 bytes), as received (TTL 1)
        #expect(error.icmp?.quotedIPv4Header?.timeToLive == 1)
        #expect(lab.drops["r1"]?.map(\.reason) == [.ttlExpired])
        #expect(lab.nodes["r1"]!.interfaces[0].counters[.ttlExpired] == 1)
        #expect(lab.events["r1"]?.contains(.icmpErrorSent(type: 11, code: 0, destination: TestLab.alice)) == true)
        // The error frame itself is well formed, checksums included.
        let errorFrame = try #require(lab.frames(from: "r1").first { !isARP($0) })
        #expect(DecodedFrame(parsing: errorFrame).error == nil)
        #expect(lab.delivered["bob"] == nil)
    }

    @Test func noRoute_sendsNetworkUnreachable() throws {
        var lab = TestLab.basic()
        let nowhere = IPv4Address(192, 0, 2, 1)
        lab.run("alice") { node, now in node.send(echo(1), to: nowhere, now: now) }
        #expect(lab.drops["r1"]?.map(\.reason) == [.noRoute])
        let error = try #require(lab.delivered["alice"]?.first)
        guard case .destinationUnreachable(.network, _)? = error.icmp else {
            Issue.record("expected network unreachable, got \(String(describing: error.icmp))"); return
        }
        #expect(error.icmp?.quotedIPv4Header?.destination == nowhere)
    }

    /// A packet whose TTL would run out at a router with no route for it is unreachable there,
    /// not expired: Linux routes before it checks the TTL, so traceroute shows !N at that hop.
    @Test func noRouteAndLastHop_isUnreachableNotTimeExceeded() throws {
        var lab = TestLab.basic()
        let nowhere = IPv4Address(192, 0, 2, 1)
        lab.run("alice") { node, now in node.send(echo(1), to: nowhere, timeToLive: 1, now: now) }
        #expect(lab.drops["r1"]?.map(\.reason) == [.noRoute])
        let error = try #require(lab.delivered["alice"]?.first)
        guard case .destinationUnreachable(.network, _)? = error.icmp else {
            Issue.record("expected network unreachable, got \(String(describing: error.icmp))"); return
        }
    }

    @Test func hostWithoutRoute_reportsToItsOwnApps() throws {
        var lab = TestLab()
        lab.nodes["solo"] = IPNode(interfaces: [TestLab.interface("solo", "eth0", "10.0.1.10/24")],
                                   configuration: IPNodeConfiguration(isForwarding: false))
        lab.run("solo") { node, now in node.send(echo(1), to: IPv4Address(10, 9, 9, 9), now: now) }
        #expect(lab.drops["solo"]?.map(\.reason) == [.noRoute])
        #expect(lab.drops["solo"]?.first?.interface == nil)
        let error = try #require(lab.delivered["solo"]?.first)
        guard case .destinationUnreachable(.network, _)? = error.icmp else {
            Issue.record("expected network unreachable"); return
        }
        #expect(lab.nodes["solo"]!.localDrops[.noRoute] == 1)
    }

    @Test func arpFailure_atRouter_dropsAfterRetries_andSendsHostUnreachable() throws {
        var lab = TestLab.basic()
        let ghost = IPv4Address(10, 0, 2, 99)
        lab.run("alice") { node, now in node.send(echo(1), to: ghost, now: now) }
        lab.run("alice") { node, now in node.send(echo(2), to: ghost, now: now) }
        #expect(lab.delivered["alice"] == nil)
        lab.advance(to: Instant.zero + .milliseconds(2_500))
        let requestsForGhost = lab.frames(from: "r1").compactMap { DecodedFrame(parsing: $0).arp }
            .filter { $0.targetIP == ghost }
        #expect(requestsForGhost.count == 3)
        #expect(lab.delivered["alice"] == nil)
        lab.advance(to: Instant.zero + .seconds(4))
        #expect(lab.drops["r1"]?.map(\.reason) == [.noARPAnswer, .noARPAnswer])
        #expect(lab.nodes["r1"]!.interfaces[1].counters[.noARPAnswer] == 2)
        for drop in lab.drops["r1"] ?? [] {
            let ethernet = try #require(DecodedFrame(parsing: drop.bytes).ethernet)
            #expect(ethernet.source == .zero && ethernet.destination == .zero,
                    "never a frame on eth1: not shown with the header it arrived in on eth0")
            #expect(DecodedFrame(parsing: drop.bytes).ipv4?.timeToLive == 63)
        }
        let errors = (lab.delivered["alice"] ?? []).compactMap(\.icmp)
        #expect(errors.count == 2)
        for error in errors {
            guard case .destinationUnreachable(.host, _) = error else {
                Issue.record("expected host unreachable, got \(error)"); continue
            }
            #expect(error.quotedIPv4Header?.destination == ghost)
        }
        #expect(lab.nodes["r1"]!.nextDeadline() == nil)
    }

    @Test func arpFailure_atHost_deliversHostUnreachableLocally() throws {
        var lab = TestLab.basic()
        lab.run("alice") { node, now in node.send(echo(1), to: IPv4Address(10, 0, 1, 99), now: now) }
        lab.advance(to: Instant.zero + .seconds(5))
        #expect(lab.drops["alice"]?.map(\.reason) == [.noARPAnswer])
        let error = try #require(lab.delivered["alice"]?.first)
        #expect(error.interface == nil)
        guard case .destinationUnreachable(.host, _)? = error.icmp else {
            Issue.record("expected host unreachable"); return
        }
    }

    @Test func arpPendingQueue_overflowIsADrop() {
        var lab = TestLab.basic(arp: ARPCacheConfiguration(maximumPendingPerAddress: 2))
        lab.wires = [:]  // cut every cable: nobody answers
        for sequence in 1...4 {
            lab.run("alice") { node, now in node.send(echo(UInt16(sequence)), to: TestLab.bob, now: now) }
        }
        #expect(lab.drops["alice"]?.map(\.reason) == [.arpQueueOverflow, .arpQueueOverflow])
        #expect(lab.frames(from: "alice").count == 1)  // a single ARP request
    }

    @Test func linkDown_dropsWithReason() {
        var lab = TestLab.basic()
        lab.run("alice") { node, now in node.send(echo(1), to: TestLab.bob, now: now) }
        #expect(lab.delivered["alice"]?.count == 1)
        lab.run("r1") { node, _ in node.setInterface(1, isUp: false) }
        lab.run("alice") { node, now in node.send(echo(2), to: TestLab.bob, now: now) }
        #expect(lab.drops["r1"]?.map(\.reason) == [.linkDown])
        #expect(lab.drops["r1"]?.first?.interface == 1)
        #expect(lab.nodes["r1"]!.interfaces[1].counters[.linkDown] == 1)
        // A frame arriving on a down interface is dropped too.
        lab.run("bob") { node, now in node.send(echo(3), to: TestLab.alice, now: now) }
        #expect(lab.drops["r1"]?.map(\.reason) == [.linkDown, .linkDown])
        #expect(lab.delivered["bob"] == nil)
        // Up again: traffic flows.
        lab.run("r1") { node, _ in node.setInterface(1, isUp: true) }
        lab.run("alice") { node, now in node.send(echo(4), to: TestLab.bob, now: now) }
        #expect(lab.delivered["alice"]?.last?.icmp == .echoReply(identifier: 7, sequence: 4, payload: payload))
    }

    /// No carrier (the far end's machine is off): as in Linux the interface and its routes stay,
    /// the neighbours learned there are forgotten, and what it would send is dropped as
    /// "no carrier", ARP included; so a ping ends in "host unreachable" after ARP's time, not
    /// at once with "network unreachable" as for an interface taken down.
    @Test func noCarrier_keepsTheRoute_dropsWhatWouldLeave_andARPEndsInHostUnreachable() throws {
        var lab = TestLab.basic()
        lab.run("alice") { node, now in node.send(echo(1), to: TestLab.bob, now: now) }
        #expect(lab.delivered["alice"]?.count == 1, "bob answers while the carrier is there")
        lab.run("alice") { node, _ in node.setCarrier(0, hasCarrier: false) }
        #expect(lab.drops["alice"] == nil, "nothing was waiting for ARP")
        let alice = lab.nodes["alice"]!
        #expect(alice.interfaces[0].isUp && !alice.interfaces[0].hasCarrier)
        #expect(alice.route(to: TestLab.bob)?.interface == 0, "the default route stays")
        let framesBefore = lab.frames(from: "alice").count
        lab.run("alice") { node, now in node.send(echo(2), to: TestLab.bob, now: now) }
        #expect(lab.drops["alice"]?.map(\.reason) == [.noCarrier], "the ARP request for r1 (its entry was forgotten)")
        #expect(lab.frames(from: "alice").count == framesBefore, "nothing left after the carrier went")
        lab.advance(to: Instant.zero + .seconds(5))
        #expect(lab.drops["alice"]?.map(\.reason) == [.noCarrier, .noCarrier, .noCarrier, .noARPAnswer],
                "three ARP tries, then the packet")
        #expect(lab.nodes["alice"]!.interfaces[0].counters[.noCarrier] == 3)
        let error = try #require(lab.delivered["alice"]?.last)
        guard case .destinationUnreachable(.host, _)? = error.icmp else {
            Issue.record("expected host unreachable, got \(String(describing: error.icmp))"); return
        }
        // The carrier back: ARP and traffic work again.
        lab.run("alice") { node, _ in node.setCarrier(0, hasCarrier: true) }
        lab.run("alice") { node, now in node.send(echo(3), to: TestLab.bob, now: now) }
        #expect(lab.delivered["alice"]?.last?.icmp == .echoReply(identifier: 7, sequence: 3, payload: payload))
    }

    @Test func linkDown_dropsPacketsWaitingForARP() {
        var lab = TestLab.basic()
        lab.wires = [:]
        lab.run("alice") { node, now in node.send(echo(1), to: TestLab.bob, now: now) }
        lab.run("alice") { node, _ in node.setInterface(0, isUp: false) }
        #expect(lab.drops["alice"]?.map(\.reason) == [.linkDown])
        #expect(lab.nodes["alice"]!.nextDeadline() == nil)
    }
}
