import RawNetCore
import RawNetWire
import Testing

@Suite struct NetworkDropReasonTests {
    @Test func impairmentDrops_countAsInjectedLossOrQueueOverflow() {
        #expect(DropReason(ImpairmentDropReason.randomLoss) == .injectedLoss)
        #expect(DropReason(ImpairmentDropReason.burstLoss) == .injectedLoss)
        #expect(DropReason(ImpairmentDropReason.queueFull) == .queueOverflow)
    }

    @Test func reasonsReadAsTheDesignNamesThem() {
        #expect(DropReason.noARPAnswer.description == "no ARP answer")
        #expect(DropReason.ttlExpired.description == "TTL expired")
        #expect(Set(DropReason.allCases.map(\.rawValue)).count == DropReason.allCases.count)
    }

    @Test func counters_countPerReason() {
        var counters = InterfaceCounters()
        counters.countReceived(bytes: 60)
        counters.countSent(bytes: 98)
        counters.countDrop(.badChecksum)
        counters.countDrop(.badChecksum)
        counters.countDrop(.noRoute)
        #expect(counters.totalDrops == 3)
        #expect(counters[.badChecksum] == 2)
        #expect(counters[.linkDown] == 0)
        #expect(counters.receivedBytes == 60)
        #expect(counters.sentFrames == 1)
    }
}

@Suite struct NetworkTraceTests {
    @Test func dropsAndEventsBecomeTraceRecords() {
        var lab = TestLab.basic()
        lab.run("alice") { node, now in
            node.send(.icmp(.echoRequest(identifier: 1, sequence: 1, payload: [])), to: IPv4Address(192, 0, 2, 1), now: now)
        }
        guard let drop = lab.drops["r1"]?.first else { Issue.record("expected a drop at r1"); return }
        let record = TraceEvent(drop, node: "r1", interfaceNames: ["eth0", "eth1"], time: 42)
        #expect(record.kind == .dropped)
        #expect(record.interface == "eth0")
        #expect(record.reason == "no route")
        #expect(record.detail == "no route to 192.0.2.1")
        #expect(record.frame.map { DecodedFrame(parsing: $0).ipv4?.destination } == IPv4Address(192, 0, 2, 1))
        let notes = (lab.events["r1"] ?? []).map { TraceEvent($0, node: "r1", interfaceNames: ["eth0", "eth1"], time: 42) }
        #expect(notes.contains { $0.kind == .note && $0.detail == "ICMP network unreachable sent to 10.0.1.10" })
        #expect(notes.contains { $0.detail == "ARP 10.0.1.10 is-at \(MACAddress.derived(from: "alice.eth0"))" })
    }

    @Test func localDropCarriesAFrameWithBlankAddresses() {
        var solo = IPNode(interfaces: [TestLab.interface("solo", "eth0", "10.0.1.10/24")],
                          configuration: IPNodeConfiguration(isForwarding: false))
        let outputs = solo.send(.icmp(.echoRequest(identifier: 1, sequence: 1, payload: [])), to: IPv4Address(10, 9, 9, 9),
                                now: .zero)
        guard case .dropped(let drop)? = outputs.first else { Issue.record("expected a drop"); return }
        let decoded = DecodedFrame(parsing: drop.bytes)
        #expect(decoded.error == nil)
        #expect(decoded.ethernet?.destination == .zero)
        #expect(TraceEvent(drop, node: "solo", interfaceNames: ["eth0"], time: 0).interface == nil)
    }
}
