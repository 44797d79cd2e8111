import RawNetCore
import RawNetWire
import Testing

/// alice 10.0.1.10 — (mtu 1500) r1 (mtu `middle`) — bob 10.0.2.20, on a virtual clock.
private func mtuLab(middle: Int, reassembly: IPv4ReassemblyConfiguration = IPv4ReassemblyConfiguration()) -> TestLab {
    var lab = TestLab()
    func interface(_ node: String, _ name: String, _ address: String, mtu: Int) -> IPInterface {
        IPInterface(name: name, macAddress: MACAddress.derived(from: "\(node).\(name)"),
                    address: IPv4InterfaceAddress(address)!, mtu: mtu)
    }
    let host = IPNodeConfiguration(isForwarding: false, reassembly: reassembly)
    var alice = IPNode(interfaces: [interface("alice", "eth0", "10.0.1.10/24", mtu: 1500)], configuration: host)
    alice.setDefaultGateway(TestLab.r1West)
    var bob = IPNode(interfaces: [interface("bob", "eth0", "10.0.2.20/24", mtu: middle)], configuration: host)
    bob.setDefaultGateway(TestLab.r1East)
    let r1 = IPNode(interfaces: [interface("r1", "eth0", "10.0.1.1/24", mtu: 1500),
                                 interface("r1", "eth1", "10.0.2.1/24", mtu: middle)],
                    configuration: IPNodeConfiguration(isForwarding: true))
    lab.nodes = ["alice": alice, "bob": bob, "r1": r1]
    lab.connect("alice", 0, "r1", 0)
    lab.connect("r1", 1, "bob", 0)
    return lab
}

private let bigData: [UInt8] = (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 7) }

private func ipv4(_ frame: [UInt8]) -> IPv4Header? {
    if case .ipv4(let header, _) = DecodedFrame(parsing: frame).payload { return header }
    return nil
}

@Suite struct NetworkFragmentationTests {
    @Test func bigPing_isFragmentedTwiceAndReassembledBothWays() throws {
        var lab = mtuLab(middle: 1000)
        lab.run("alice") { node, now in
            node.send(.icmp(.echoRequest(identifier: 9, sequence: 1, payload: bigData)), to: TestLab.bob, now: now)
        }
        let reply = try #require(lab.delivered["alice"]?.first)
        #expect(reply.icmp == .echoReply(identifier: 9, sequence: 1, payload: bigData))
        #expect(lab.drops.isEmpty)
        // Every frame fits the MTU of the link it went on and decodes cleanly.
        for sent in lab.sent {
            #expect(DecodedFrame(parsing: sent.frame).error == nil)
            let mtu = sent.from.node == "alice" || (sent.from.node == "r1" && sent.from.interface == 0) ? 1500 : 1000
            #expect(sent.frame.count - 14 <= mtu, "\(sent.from): \(sent.frame.count) bytes")
        }
        // alice: 3028 bytes in 1500 → 3 fragments; r1 cuts each 1480-byte piece again for 1000.
        let aliceIP = lab.frames(from: "alice").compactMap(ipv4).filter { $0.protocolNumber == .icmp }
        #expect(aliceIP.count == 3)
        #expect(aliceIP.map { Int($0.fragmentOffset) * 8 } == [0, 1480, 2960])
        #expect(aliceIP.map { $0.flags.contains(.moreFragments) } == [true, true, false])
        #expect(aliceIP.allSatisfy { !$0.flags.contains(.dontFragment) })
        let toBob = lab.sent.filter { $0.from == TestLab.Port(node: "r1", interface: 1) }.compactMap { ipv4($0.frame) }
            .filter { $0.protocolNumber == .icmp }
        #expect(toBob.count == 5)  // 1480 → 976 + 504 twice, then 48
        #expect(lab.events["alice"]?.contains(.fragmented(interface: 0, identification: aliceIP[0].identification,
                                                          count: 3, mtu: 1500)) == true)
        #expect(lab.events["bob"]?.contains { if case .reassembled(_, _, 5, 3028) = $0 { true } else { false } } == true)
        #expect(lab.nodes["bob"]!.reassembly.count == 0 && lab.nodes["alice"]!.reassembly.heldBytes == 0)
    }

    @Test func dontFragment_atRouter_dropsAndReportsTheNextHopMTU() throws {
        var lab = mtuLab(middle: 1000)
        // 1200 bytes fit alice's 1500, so the datagram keeps DF (as Linux's PMTU discovery sends it).
        lab.run("alice") { node, now in
            node.send(.udp(UDPHeader(sourcePort: 5000, destinationPort: 6000), payload: Array(bigData[0..<1200])),
                      to: TestLab.bob, now: now)
        }
        let drop = try #require(lab.drops["r1"]?.first)
        #expect(drop.reason == .fragmentationNeeded && drop.interface == 1)
        #expect(lab.nodes["r1"]!.interfaces[1].counters[.fragmentationNeeded] == 1)
        #expect(lab.delivered["bob"] == nil)
        let error = try #require(lab.delivered["alice"]?.first)
        guard case .destinationUnreachable(.fragmentationNeeded(let mtu), let quoted)? = error.icmp else {
            Issue.record("not fragmentation needed: \(String(describing: error.icmp))")
            return
        }
        #expect(mtu == 1000)
        #expect(error.header.source == TestLab.r1West)
        #expect(try IPv4Header(parsing: quoted, verifyChecksum: false, requireFullPacket: false).destination == TestLab.bob)
        #expect(quoted.count == 28)  // header and 8 bytes: the ports of the datagram that did not fit
        #expect(lab.events["r1"]?.contains(.icmpErrorSent(type: 3, code: 4, destination: TestLab.alice)) == true)

        // alice learned the path MTU: the same datagram now leaves in two fragments (DF clear) and arrives whole.
        #expect(lab.nodes["alice"]!.pathMTU(to: TestLab.bob, now: lab.now) == 1000)
        lab.run("alice") { node, now in
            node.send(.udp(UDPHeader(sourcePort: 5000, destinationPort: 6000), payload: Array(bigData[0..<1200])),
                      to: TestLab.bob, now: now)
        }
        guard case .udp(_, let payload)? = lab.delivered["bob"]?.first?.transport else {
            Issue.record("bob got nothing: \(String(describing: lab.delivered["bob"]))")
            return
        }
        #expect(payload == Array(bigData[0..<1200]))
        #expect(lab.drops["r1"]?.count == 1)
        #expect(lab.nodes["alice"]!.pathMTU(to: TestLab.bob, now: lab.now + .seconds(601)) == nil)
    }

    @Test func ownTCPSegmentTooBig_isDroppedAndReportedToItsOwnStack() throws {
        var lab = mtuLab(middle: 1500)
        let header = TCPHeader(sourcePort: 40000, destinationPort: 80, sequenceNumber: 1, acknowledgmentNumber: 1,
                               flags: [.ack], window: 1000)
        lab.run("alice") { node, now in node.send(.tcp(header, payload: bigData), to: TestLab.bob, now: now) }
        #expect(lab.sent.isEmpty)
        let drop = try #require(lab.drops["alice"]?.first)
        #expect(drop.reason == .fragmentationNeeded && drop.interface == 0)
        let error = try #require(lab.delivered["alice"]?.first)
        #expect(error.interface == nil)
        guard case .destinationUnreachable(.fragmentationNeeded(1500), _)? = error.icmp else {
            Issue.record("expected fragmentation needed (mtu 1500), got \(String(describing: error.icmp))")
            return
        }
    }

    @Test func reassemblyTimeout_sendsTimeExceededCode1_onlyIfTheFirstFragmentCame() throws {
        var lab = mtuLab(middle: 1500)
        let pieces = try fragmentsOfUDP(id: 77, mtu: 1500)
        // bob gets only the first fragment; 30 s later he gives up and tells alice.
        lab.run("alice") { node, now in node.send(packet: pieces[0], now: now) }
        #expect(lab.nodes["bob"]!.reassembly.count == 1)
        #expect(lab.nodes["bob"]!.nextDeadline() == Instant.zero + .seconds(30))
        lab.advance(to: Instant.zero + .seconds(29))
        #expect(lab.drops["bob"] == nil)
        lab.advance(to: Instant.zero + .seconds(31))
        #expect(lab.drops["bob"]?.map(\.reason) == [.reassemblyTimeout])
        #expect(lab.nodes["bob"]!.interfaces[0].counters[.reassemblyTimeout] == 1)
        let error = try #require(lab.delivered["alice"]?.first)
        guard case .timeExceeded(.fragmentReassembly, let quoted)? = error.icmp else {
            Issue.record("expected time exceeded code 1, got \(String(describing: error.icmp))")
            return
        }
        // The quote is the first fragment as bob got it (r1 lowered its TTL): same id, flags, addresses, data.
        #expect(Array(quoted[4..<8]) == Array(pieces[0][4..<8]) && quoted[9] == 17)
        #expect(Array(quoted[12..<36]) == Array(pieces[0][12..<36]))

        // Only the last fragment: given up without a word.
        lab.run("alice") { node, now in node.send(packet: pieces[2], now: now) }
        lab.advance(to: lab.now + .seconds(31))
        #expect(lab.drops["bob"]?.map(\.reason) == [.reassemblyTimeout, .reassemblyTimeout])
        #expect(lab.delivered["alice"]?.count == 1)
        #expect(lab.nodes["bob"]!.reassembly.count == 0 && lab.nodes["bob"]!.reassembly.heldBytes == 0)
    }

    // MARK: IPv4Reassembly alone

    @Test func anyOrder_givesTheSameDatagram() throws {
        let original = try udpPacket(id: 5)
        let pieces = try IPv4Fragmentation.fragments(of: original, mtu: 576)
        #expect(pieces.count == 6)
        for order in [[0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0], [2, 5, 0, 3, 1, 4], [3, 0, 5, 1, 4, 2]] {
            var reassembly = IPv4Reassembly()
            var outcomes: [IPv4Reassembly.Outcome] = []
            for index in order { outcomes.append(reassembly.add(pieces[index], interface: 0, now: .zero)) }
            #expect(outcomes.dropLast().allSatisfy { $0 == .held })
            #expect(outcomes.last == .complete(original, fragments: 6), "order \(order)")
            #expect(reassembly.count == 0 && reassembly.heldBytes == 0)
        }
    }

    @Test func property_shuffledAndDuplicatedFragments_giveEachDatagramWhole() throws {
        var random = SeededRandom(seed: 42)
        for round in 0..<50 {
            var originals: [UInt16: [UInt8]] = [:]
            var arriving: [[UInt8]] = []
            for id in 1...3 as ClosedRange<UInt16> {
                let original = try udpPacket(id: UInt16(round) * 8 + id)
                originals[UInt16(round) * 8 + id] = original
                let mtu = Int.random(in: 68...1600, using: &random)
                let pieces = try IPv4Fragmentation.fragments(of: original, mtu: mtu)
                arriving += pieces
                for _ in 0..<Int.random(in: 0...3, using: &random) { arriving.append(pieces.randomElement(using: &random)!) }
            }
            arriving.shuffle(using: &random)
            var reassembly = IPv4Reassembly()
            var completed: [UInt16: Int] = [:]
            for fragment in arriving {
                switch reassembly.add(fragment, interface: 0, now: .zero) {
                case .complete(let packet, _):
                    let id = UInt16(packet[4]) << 8 | UInt16(packet[5])
                    #expect(packet == originals[id], "round \(round) id \(id)")
                    completed[id, default: 0] += 1
                case .held:
                    break
                case .dropped(let reason, _):
                    // A copy of a fragment whose datagram is still open is a duplicate; after it completed,
                    // a late copy starts a new datagram that never completes (held until the timeout).
                    #expect(reason == .duplicateFragment, "round \(round): \(reason)")
                case .discarded(let reason, let detail):
                    Issue.record("round \(round): \(reason) \(detail)")
                }
            }
            // Each datagram came out whole; late copies of all of a finished datagram's fragments
            // make it again (as in Linux, which keeps nothing of a finished datagram).
            #expect(completed.count == 3, "round \(round): \(completed)")
            _ = reassembly.expire(now: Instant.zero + .seconds(30))
            #expect(reassembly.count == 0 && reassembly.heldBytes == 0)
        }
    }

    @Test func duplicate_isDroppedAlone_overlap_endsTheDatagram() throws {
        let original = try udpPacket(id: 6)
        let pieces = try IPv4Fragmentation.fragments(of: original, mtu: 1500)
        var reassembly = IPv4Reassembly()
        #expect(reassembly.add(pieces[0], interface: 0, now: .zero) == .held)
        guard case .dropped(.duplicateFragment, _) = reassembly.add(pieces[0], interface: 0, now: .zero) else {
            Issue.record("a duplicate was not dropped alone")
            return
        }
        #expect(reassembly.add(pieces[2], interface: 0, now: .zero) == .held)
        #expect(reassembly.add(pieces[1], interface: 0, now: .zero) == .complete(original, fragments: 3))

        // A fragment at 1400..<1880 overlaps the first one (0..<1480) in part.
        var overlapping = try IPv4Fragmentation.fragments(of: original, mtu: 500)[1]
        IPv4Fragmentation.writeHeaderFields(into: &overlapping, headerLength: 20, totalLength: overlapping.count,
                                            offsetUnits: 175, flags: [], moreFragments: true)
        #expect(reassembly.add(pieces[0], interface: 0, now: .zero) == .held)
        guard case .discarded(.fragmentOverlap, _) = reassembly.add(overlapping, interface: 0, now: .zero) else {
            Issue.record("an overlap did not end the datagram")
            return
        }
        #expect(reassembly.count == 0 && reassembly.heldBytes == 0)
        // What comes after starts a new datagram, which never completes from the remaining pieces alone.
        #expect(reassembly.add(pieces[1], interface: 0, now: .zero) == .held)
        #expect(reassembly.add(pieces[2], interface: 0, now: .zero) == .held)
    }

    @Test func limits_onDatagramsAndBytes_dropWithAReason() throws {
        var byCount = IPv4Reassembly(configuration: IPv4ReassemblyConfiguration(maximumDatagrams: 2))
        for id in [1, 2] as [UInt16] {
            #expect(byCount.add(try fragmentsOfUDP(id: id, mtu: 1500)[0], interface: 0, now: .zero) == .held)
        }
        guard case .dropped(.reassemblyLimit, _) = byCount.add(try fragmentsOfUDP(id: 3, mtu: 1500)[0], interface: 0,
                                                                 now: .zero) else {
            Issue.record("a third datagram was taken")
            return
        }
        #expect(byCount.count == 2)

        var byBytes = IPv4Reassembly(configuration: IPv4ReassemblyConfiguration(maximumBytes: 65_535))
        var id: UInt16 = 10
        var outcome = IPv4Reassembly.Outcome.held
        while outcome == .held && id < 100 {
            outcome = byBytes.add(try fragmentsOfUDP(id: id, mtu: 1500)[0], interface: 0, now: .zero)
            id += 1
        }
        guard case .dropped(.reassemblyLimit, _) = outcome else {
            Issue.record("no byte limit: \(outcome)")
            return
        }
        #expect(byBytes.heldBytes <= 65_535 && byBytes.heldBytes > 65_535 - 1480)
        // Expiry frees everything.
        #expect(byBytes.expire(now: Instant.zero + .seconds(30)).count == Int(id - 11))
        #expect(byBytes.heldBytes == 0 && byBytes.nextDeadline() == nil)
    }

    @Test func malformed_fragments_areDroppedNotHeld() throws {
        var reassembly = IPv4Reassembly()
        var odd = try fragmentsOfUDP(id: 8, mtu: 1500)[0]
        odd.removeLast(3)  // MF set, 1477 data bytes: not a multiple of 8
        IPv4Fragmentation.writeHeaderFields(into: &odd, headerLength: 20, totalLength: odd.count, offsetUnits: 0,
                                            flags: [], moreFragments: true)
        guard case .dropped(.malformed, _) = reassembly.add(odd, interface: 0, now: .zero) else {
            Issue.record("odd-sized fragment taken")
            return
        }
        var beyond = try fragmentsOfUDP(id: 8, mtu: 1500)[2]
        IPv4Fragmentation.writeHeaderFields(into: &beyond, headerLength: 20, totalLength: beyond.count,
                                            offsetUnits: 8190, flags: [], moreFragments: false)
        guard case .discarded(.malformed, _) = reassembly.add(beyond, interface: 0, now: .zero) else {
            Issue.record("fragment past 65535 taken")
            return
        }
        #expect(reassembly.count == 0)

        // A first fragment with 40 bytes of options and a last one reaching 65515 data bytes: too big together.
        var first = bytes20(ihl: 15, moreFragments: true, offsetUnits: 0) + [UInt8](repeating: 1, count: 40 + 8)
        IPv4Fragmentation.writeHeaderFields(into: &first, headerLength: 60, totalLength: first.count, offsetUnits: 0,
                                            flags: [], moreFragments: true)
        var last = bytes20(ihl: 5, moreFragments: false, offsetUnits: 8189) + [UInt8](repeating: 2, count: 3)
        IPv4Fragmentation.writeHeaderFields(into: &last, headerLength: 20, totalLength: last.count, offsetUnits: 8189,
                                            flags: [], moreFragments: false)
        #expect(reassembly.add(first, interface: 0, now: .zero) == .held)
        guard case .discarded(.malformed, _) = reassembly.add(last, interface: 0, now: .zero) else {
            Issue.record("a datagram over 65535 bytes was put together")
            return
        }
        #expect(reassembly.count == 0 && reassembly.heldBytes == 0)
    }
}

/// A bare IPv4 header (UDP, alice → bob, id 99) with room for `ihl` words; fields filled by `writeHeaderFields`.
private func bytes20(ihl: Int, moreFragments: Bool, offsetUnits: Int) -> [UInt8] {
    var header = [UInt8](repeating: 0, count: ihl * 4)
    header[4] = 0; header[5] = 99; header[8] = 64; header[9] = 17
    header.replaceSubrange(12..<16, with: [10, 0, 1, 10])
    header.replaceSubrange(16..<20, with: [10, 0, 2, 20])
    return header
}

/// A UDP datagram of 3000 data bytes from alice to bob, as a whole packet.
private func udpPacket(id: UInt16) throws -> [UInt8] {
    let header = IPv4Header(identification: id, flags: [], protocolNumber: .udp, source: TestLab.alice,
                            destination: TestLab.bob)
    return Packet.ipv4(ip: header, .udp(UDPHeader(sourcePort: 5000, destinationPort: 6000), payload: bigData))
}

private func fragmentsOfUDP(id: UInt16, mtu: Int) throws -> [[UInt8]] {
    try IPv4Fragmentation.fragments(of: try udpPacket(id: id), mtu: mtu)
}

