import RawNetCore
import RawNetWire
import Testing

private let r1MAC = MACAddress.derived(from: "r1.eth0")
private let aliceMAC = MACAddress.derived(from: "alice.eth0")

/// A frame from alice to r1's eth0 carrying `payload` in an IPv4 packet.
private func frameToR1(_ payload: IPv4Payload, source: IPv4Address = TestLab.alice,
                       destination: IPv4Address = TestLab.bob, ttl: UInt8 = 64,
                       fragmentOffset: UInt16 = 0, linkDestination: MACAddress = r1MAC) -> [UInt8] {
    Frame.ipv4(ethernet: EthernetHeader(destination: linkDestination, source: aliceMAC, etherType: .ipv4),
               ip: IPv4Header(flags: [], fragmentOffset: fragmentOffset, timeToLive: ttl, protocolNumber: .icmp,
                              source: source, destination: destination),
               payload)
}

private let ping = IPv4Payload.icmp(.echoRequest(identifier: 1, sequence: 1, payload: [1, 2, 3]))

private func allDrops(_ node: IPNode) -> Int {
    node.interfaces.map(\.counters.totalDrops).reduce(0, +) + node.localDrops.values.reduce(0, +)
}

@Suite struct NetworkIPNodeRobustnessTests {
    @Test func randomAndDamagedFrames_areCountedDrops_neverTraps() {
        var random = SeededRandom(seed: 0x5EED)
        var r1 = TestLab.basic().nodes["r1"]!
        var alice = TestLab.basic().nodes["alice"]!
        let valid = frameToR1(ping)
        var dropped = 0
        for round in 0..<3_000 {
            var frame: [UInt8]
            switch round % 4 {
            case 0:  // pure noise of any length, sometimes addressed to r1
                frame = (0..<Int(random.next() % 120)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                if frame.count >= 14 && random.chance(0.5) {
                    frame.replaceSubrange(0..<6, with: r1MAC.bytes)
                    frame[12] = 0x08
                    frame[13] = random.chance(0.5) ? 0x00 : 0x06
                }
            case 1:  // a valid frame cut short
                frame = Array(valid[0..<Int(random.next() % UInt64(valid.count))])
            case 2:  // a valid frame with bits flipped past the Ethernet header
                frame = valid
                for _ in 0..<(1 + Int(random.next() % 4)) {
                    let index = 14 + Int(random.next() % UInt64(frame.count - 14))
                    frame[index] ^= UInt8(1) << UInt8(random.next() % 8)
                }
            default:  // an IPv4 header with random fields after a good Ethernet header
                frame = Array(valid[0..<14]) + (0..<40).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                frame[14] = 0x45
            }
            let before = allDrops(r1)
            let outputs = r1.receive(frame: frame, on: 0, now: .zero)
            let drops = outputs.filter { if case .dropped = $0 { return true } else { return false } }
            #expect(!outputs.isEmpty)
            #expect(allDrops(r1) - before == drops.count)  // every drop is counted once
            dropped += drops.count
            _ = alice.receive(frame: frame, on: 0, now: .zero)
        }
        #expect(dropped > 2_500)
        let counters = r1.interfaces[0].counters
        #expect(counters.receivedFrames == 3_000)
        #expect(counters[.malformed] > 0)
        #expect(counters[.badChecksum] > 0)
        #expect(counters[.notForUs] > 0)
    }

    @Test func badChecksum_isDroppedAndNamed() throws {
        var r1 = TestLab.basic().nodes["r1"]!
        var frame = frameToR1(ping)
        frame[14 + 8] &-= 1  // TTL changed without fixing the header checksum
        let outputs = r1.receive(frame: frame, on: 0, now: .zero)
        guard case .dropped(let record)? = outputs.first else { Issue.record("expected a drop"); return }
        #expect(record.reason == .badChecksum)
        #expect(record.detail?.hasPrefix("IPv4.headerChecksum") == true)
        #expect(r1.interfaces[0].counters[.badChecksum] == 1)
    }

    @Test func ownSourceAddressFromOutside_isDropped() {
        var alice = TestLab.basic().nodes["alice"]!
        let outputs = alice.receive(frame: frameToR1(ping, destination: TestLab.alice, linkDestination: aliceMAC),
                                    on: 0, now: .zero)
        guard case .dropped(let record)? = outputs.first, outputs.count == 1 else { Issue.record("expected one drop"); return }
        #expect(record.reason == .badSourceAddress)
    }

    @Test func frameForAnotherMAC_isNotForUs() {
        var r1 = TestLab.basic().nodes["r1"]!
        let outputs = r1.receive(frame: frameToR1(ping, linkDestination: MACAddress(0x02_11_22_33_44_55)), on: 0, now: .zero)
        #expect(outputs.count == 1)
        #expect(r1.interfaces[0].counters[.notForUs] == 1)
    }

    @Test func hostDoesNotForward() {
        var alice = TestLab.basic().nodes["alice"]!
        let frame = frameToR1(ping, source: IPv4Address(10, 0, 1, 66), destination: IPv4Address(10, 0, 1, 77),
                              linkDestination: aliceMAC)
        let outputs = alice.receive(frame: frame, on: 0, now: .zero)
        guard case .dropped(let record)? = outputs.first, outputs.count == 1 else { Issue.record("expected one drop"); return }
        #expect(record.reason == .notForUs)
    }

    @Test func noICMPErrorAboutAnICMPError() {
        var r1 = TestLab.basic().nodes["r1"]!
        let error = IPv4Payload.icmp(.destinationUnreachable(.port, quoted: Array(repeating: 0x45, count: 28)))
        let outputs = r1.receive(frame: frameToR1(error, ttl: 1), on: 0, now: .zero)
        #expect(outputs.count == 1)
        #expect(r1.interfaces[0].counters[.ttlExpired] == 1)
    }

    @Test func noICMPErrorAboutNonFirstFragments_butFirstFragmentsGetOne() {
        var r1 = TestLab.basic().nodes["r1"]!
        let later = r1.receive(frame: frameToR1(.raw(Array(repeating: 9, count: 16)), ttl: 1, fragmentOffset: 2),
                               on: 0, now: .zero)
        #expect(later.count == 1)  // the drop alone
        let first = r1.receive(frame: frameToR1(ping, ttl: 1), on: 0, now: .zero)
        #expect(first.contains { if case .event(.icmpErrorSent) = $0 { return true } else { return false } })
    }

    @Test func noICMPErrorAboutBroadcasts() {
        var r1 = TestLab.basic().nodes["r1"]!
        // A unicast packet inside a link-layer broadcast frame: not forwarded, no error.
        let outputs = r1.receive(frame: frameToR1(ping, linkDestination: .broadcast), on: 0, now: .zero)
        #expect(outputs.count == 1)
        #expect(r1.interfaces[0].counters[.notForUs] == 1)
        // A ping to the subnet broadcast is not answered.
        let broadcastPing = r1.receive(frame: frameToR1(ping, destination: IPv4Address(10, 0, 1, 255),
                                                        linkDestination: .broadcast), on: 0, now: .zero)
        #expect(broadcastPing.count == 1)
    }

    @Test func directedBroadcastOfAnotherSubnet_isNotForwarded() {
        var lab = TestLab.basic()
        lab.run("alice") { node, now in node.send(ping, to: IPv4Address(10, 0, 2, 255), now: now) }
        #expect(lab.drops["r1"]?.map(\.reason) == [.notForUs])
        #expect(lab.frames(from: "r1").allSatisfy { DecodedFrame(parsing: $0).arp != nil })
        #expect(lab.delivered["bob"] == nil)
    }

    @Test func unknownProtocol_getsProtocolUnreachable() throws {
        var lab = TestLab.basic()
        lab.run("alice") { node, now in node.send(.raw([0xde, 0xad]), to: TestLab.r1West, now: now) }
        #expect(lab.drops["r1"]?.map(\.reason) == [.unsupportedProtocol])
        let error = try #require(lab.delivered["alice"]?.first?.icmp)
        guard case .destinationUnreachable(.protocol, _) = error else { Issue.record("got \(error)"); return }
    }

    @Test func portUnreachable_canBeSentByTheUpperLayer() throws {
        var lab = TestLab.basic()
        let udp = UDPHeader(sourcePort: 40000, destinationPort: 9)
        lab.run("alice") { node, now in node.send(.udp(udp, payload: [1, 2, 3]), to: TestLab.bob, now: now) }
        let datagram = try #require(lab.delivered["bob"]?.first)
        guard case .udp(let header, let data) = datagram.transport else { Issue.record("expected UDP"); return }
        #expect(header.destinationPort == 9)
        #expect(data == [1, 2, 3])
        lab.run("bob") { node, now in node.sendDestinationUnreachable(.port, about: datagram, now: now) }
        let error = try #require(lab.delivered["alice"]?.first?.icmp)
        guard case .destinationUnreachable(.port, let quoted) = error else { Issue.record("got \(error)"); return }
        #expect(quoted == datagram.packet)  // a small datagram is quoted whole
    }

    @Test func packetToOwnAddress_loopsBack() throws {
        var lab = TestLab.basic()
        lab.run("alice") { node, now in node.send(.icmp(.echoRequest(identifier: 3, sequence: 9, payload: [])),
                                                  to: TestLab.alice, now: now) }
        #expect(lab.sent.isEmpty)
        let reply = try #require(lab.delivered["alice"]?.first)
        #expect(reply.icmp == .echoReply(identifier: 3, sequence: 9, payload: []))
        #expect(reply.interface == nil)
    }

    @Test func routerAnswersPingsOnAnyOfItsAddresses() throws {
        var lab = TestLab.basic()
        lab.run("alice") { node, now in node.send(.icmp(.echoRequest(identifier: 1, sequence: 1, payload: [])),
                                                  to: TestLab.r1East, now: now) }
        let reply = try #require(lab.delivered["alice"]?.first)
        #expect(reply.header.source == TestLab.r1East)
        #expect(reply.header.timeToLive == 64)
    }

    @Test func gratuitousARP_updatesAKnownNeighbour() throws {
        var lab = TestLab.basic()
        lab.run("alice") { node, now in node.send(ping, to: TestLab.bob, now: now) }
        let newMAC = MACAddress(0x02_00_00_00_0B_0B)
        let gratuitous = Frame.arp(
            ethernet: EthernetHeader(destination: .broadcast, source: newMAC, etherType: .arp),
            arp: ARPPacket(operation: .reply, senderMAC: newMAC, senderIP: TestLab.bob, targetMAC: .broadcast,
                           targetIP: TestLab.bob))
        var r1 = lab.nodes["r1"]!
        _ = r1.receive(frame: gratuitous, on: 1, now: .zero)
        #expect(r1.arpCache.lookup(TestLab.bob, interface: 1, now: .zero) == newMAC)
        // An unknown address announcing itself is not added.
        let stranger = Frame.arp(
            ethernet: EthernetHeader(destination: .broadcast, source: newMAC, etherType: .arp),
            arp: ARPPacket(operation: .reply, senderMAC: newMAC, senderIP: IPv4Address(10, 0, 2, 77),
                           targetMAC: .broadcast, targetIP: IPv4Address(10, 0, 2, 77)))
        _ = r1.receive(frame: stranger, on: 1, now: .zero)
        #expect(r1.arpCache.lookup(IPv4Address(10, 0, 2, 77), interface: 1, now: .zero) == nil)
    }

    @Test func tablesPrintForTheControlSocket() {
        var lab = TestLab.basic()
        lab.run("alice") { node, now in node.send(ping, to: TestLab.bob, now: now) }
        #expect(lab.nodes["alice"]!.formattedRoutes == """
            10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.10
            default via 10.0.1.1 dev eth0 proto static
            """)
        #expect(lab.nodes["alice"]!.formattedNeighbours(now: .zero)
                == "10.0.1.1 dev eth0 lladdr \(r1MAC) REACHABLE (60s left)")
    }
}

@Suite struct NetworkICMPRateLimitTests {
    @Test func icmpErrors_areRateLimited_andRecover() {
        var r1 = IPNode(interfaces: [TestLab.interface("r1", "eth0", "10.0.1.1/24")],
                        configuration: IPNodeConfiguration(isForwarding: true, icmpErrorBurst: 3,
                                                           icmpErrorInterval: .milliseconds(100)))
        // Teach r1 alice's MAC so its errors go straight out.
        _ = r1.receive(frame: Frame.arp(ethernet: EthernetHeader(destination: .broadcast, source: aliceMAC, etherType: .arp),
                                        arp: .request(senderMAC: aliceMAC, senderIP: TestLab.alice, targetIP: TestLab.r1West)),
                       on: 0, now: .zero)
        func errorsSent(at time: Instant, count: Int) -> Int {
            var sent = 0
            for _ in 0..<count {
                let outputs = r1.receive(frame: frameToR1(ping, destination: IPv4Address(192, 0, 2, 1)), on: 0, now: time)
                sent += outputs.filter { if case .transmit = $0 { return true } else { return false } }.count
            }
            return sent
        }
        #expect(errorsSent(at: .zero, count: 5) == 3)
        #expect(r1.icmpErrorsSuppressed == 2)
        #expect(r1.interfaces[0].counters[.noRoute] == 5)  // every packet is still counted
        #expect(errorsSent(at: .zero + .milliseconds(250), count: 5) == 2)
        #expect(errorsSent(at: .zero + .seconds(10), count: 5) == 3)
    }

    @Test func oneBusyDestination_doesNotSilenceErrorsToAnother_andEachRefusalIsTraced() {
        var r1 = IPNode(interfaces: [TestLab.interface("r1", "eth0", "10.0.1.1/24")],
                        configuration: IPNodeConfiguration(isForwarding: true, icmpErrorBurst: 3,
                                                           icmpErrorInterval: .milliseconds(100)))
        let other = IPv4Address(10, 0, 1, 77)
        func events(from source: IPv4Address, count: Int) -> [NodeEvent] {
            (0..<count).flatMap { _ in
                r1.receive(frame: frameToR1(ping, source: source, destination: IPv4Address(192, 0, 2, 1)), on: 0, now: .zero)
                    .compactMap { if case .event(let event) = $0 { return event } else { return nil } }
            }
        }
        let busy = events(from: TestLab.alice, count: 6)
        #expect(busy.filter { if case .icmpErrorSent = $0 { return true } else { return false } }.count == 3)
        let refused = busy.filter { if case .icmpErrorRateLimited = $0 { return true } else { return false } }
        #expect(refused == Array(repeating: .icmpErrorRateLimited(type: 3, code: 0, destination: TestLab.alice), count: 3))
        #expect(refused.first?.description.contains("not sent: rate limit") == true)
        // alice's bucket is empty; another sender at the same instant still hears of its failure.
        #expect(events(from: other, count: 1).contains(.icmpErrorSent(type: 3, code: 0, destination: other)))
        #expect(r1.icmpErrorsSuppressed == 3)
    }

    @Test func theNodeAsAWhole_sendsAtMostItsOwnBurst_fromManyDestinations() {
        var r1 = IPNode(interfaces: [TestLab.interface("r1", "eth0", "10.0.0.1/16")],
                        configuration: IPNodeConfiguration(isForwarding: true))
        var sent = 0
        for index in 0..<200 {
            let source = IPv4Address(10, 0, UInt8(1 + index / 200), UInt8(1 + index % 200))
            sent += r1.receive(frame: frameToR1(ping, source: source, destination: IPv4Address(192, 0, 2, 1)), on: 0, now: .zero)
                .filter { if case .event(.icmpErrorSent) = $0 { return true } else { return false } }.count
        }
        #expect(sent == 50)
        #expect(r1.icmpErrorsSuppressed == 150)
    }
}
