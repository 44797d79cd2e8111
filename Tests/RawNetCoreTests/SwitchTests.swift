import RawNetCore
import RawNetWire
import Testing

/// Frames and helpers for the switch's tests: port i's host has MAC 02:00:00:00:00:0i.
private enum Frames {
    static func mac(_ n: UInt64) -> MACAddress { MACAddress(0x0200_0000_0000 | n) }

    static func frame(from source: UInt64, to destination: MACAddress, type: UInt16 = 0x0800) -> [UInt8] {
        var out: [UInt8] = []
        EthernetHeader(destination: destination, source: mac(source), etherType: EtherType(type)).serialize(into: &out)
        out += [UInt8](repeating: 0xAB, count: 46)
        return out
    }

    static func transmits(_ outputs: [SwitchOutput]) -> [Int: [UInt8]] {
        var result: [Int: [UInt8]] = [:]
        for case .transmit(let port, let frame) in outputs { result[port] = frame }
        return result
    }

    static func notes(_ outputs: [SwitchOutput]) -> [String] {
        outputs.compactMap { if case .note(_, let text) = $0 { return text } else { return nil } }
    }

    static func drops(_ outputs: [SwitchOutput]) -> [DropReason] {
        outputs.compactMap { if case .dropped(_, let reason, _, _) = $0 { return reason } else { return nil } }
    }
}

@Suite struct SwitchLearningTests {
    private func fourPorts() -> EthernetSwitch {
        EthernetSwitch(ports: (1...4).map { SwitchPort(name: "p\($0)") })
    }

    @Test func broadcastFloodsToEveryOtherPortAndLearnsTheSource() {
        var sw = fourPorts()
        let out = sw.receive(frame: Frames.frame(from: 1, to: .broadcast), on: 0, now: .zero)
        #expect(Set(Frames.transmits(out).keys) == [1, 2, 3])
        #expect(sw.port(of: Frames.mac(1)) == 0)
        #expect(Frames.notes(out).contains("learned 02:00:00:00:00:01 on port p1 (vlan 1)"))
        #expect(Frames.notes(out).contains("flooded to 3 ports (vlan 1, broadcast)"))
    }

    @Test func unknownUnicastFloodsThenKnownGoesToOnePort() {
        var sw = fourPorts()
        let first = sw.receive(frame: Frames.frame(from: 1, to: Frames.mac(3)), on: 0, now: .zero)
        #expect(Frames.transmits(first).count == 3)
        // The answer from port 3's host teaches the switch where it is; it goes only to p1.
        let answer = sw.receive(frame: Frames.frame(from: 3, to: Frames.mac(1)), on: 2, now: .zero)
        #expect(Array(Frames.transmits(answer).keys) == [0])
        #expect(Frames.notes(answer).contains("forwarded to port p1 (vlan 1)"))
        let again = sw.receive(frame: Frames.frame(from: 1, to: Frames.mac(3)), on: 0, now: .zero)
        #expect(Array(Frames.transmits(again).keys) == [2])
        #expect(Frames.transmits(again)[2] == Frames.frame(from: 1, to: Frames.mac(3)))
    }

    @Test func aFrameForTheSegmentItCameFromIsFilteredAndCounted() {
        var sw = fourPorts()
        _ = sw.receive(frame: Frames.frame(from: 2, to: .broadcast), on: 0, now: .zero)
        let out = sw.receive(frame: Frames.frame(from: 1, to: Frames.mac(2)), on: 0, now: .zero)
        #expect(Frames.transmits(out).isEmpty)
        #expect(Frames.drops(out) == [.sameSegment])
    }

    @Test func addressesAgeOutOnTheVirtualClock() {
        var sw = EthernetSwitch(ports: [SwitchPort(name: "p1"), SwitchPort(name: "p2")],
                                configuration: SwitchConfiguration(ageingTime: .seconds(10)))
        _ = sw.receive(frame: Frames.frame(from: 1, to: .broadcast), on: 0, now: .zero)
        #expect(sw.nextDeadline() == Instant.zero + .seconds(10))
        #expect(sw.poll(now: Instant.zero + .seconds(9)).isEmpty)
        #expect(sw.port(of: Frames.mac(1)) == 0)
        let aged = sw.poll(now: Instant.zero + .seconds(10))
        #expect(Frames.notes(aged) == ["aged out 02:00:00:00:00:01 on port p1 (vlan 1)"])
        #expect(sw.port(of: Frames.mac(1)) == nil)
        #expect(sw.nextDeadline() == nil)
    }

    @Test func trafficRefreshesAnEntry() {
        var sw = EthernetSwitch(ports: [SwitchPort(name: "p1"), SwitchPort(name: "p2")],
                                configuration: SwitchConfiguration(ageingTime: .seconds(10)))
        _ = sw.receive(frame: Frames.frame(from: 1, to: .broadcast), on: 0, now: .zero)
        _ = sw.receive(frame: Frames.frame(from: 1, to: .broadcast), on: 0, now: Instant.zero + .seconds(8))
        #expect(sw.poll(now: Instant.zero + .seconds(12)).isEmpty)
        #expect(sw.entries(now: Instant.zero + .seconds(12)).map(\.ageSeconds) == [4])
    }

    @Test func anAddressThatMovesIsRelearnedOnItsNewPort() {
        var sw = fourPorts()
        _ = sw.receive(frame: Frames.frame(from: 1, to: .broadcast), on: 0, now: .zero)
        let out = sw.receive(frame: Frames.frame(from: 1, to: .broadcast), on: 3, now: .zero)
        #expect(sw.port(of: Frames.mac(1)) == 3)
        #expect(Frames.notes(out).contains("moved 02:00:00:00:00:01 from port p1 to port p4 (vlan 1)"))
    }

    @Test func aPortGoingDownFlushesWhatItLearnedAndIsLeftOutOfFloods() {
        var sw = fourPorts()
        _ = sw.receive(frame: Frames.frame(from: 1, to: .broadcast), on: 0, now: .zero)
        _ = sw.receive(frame: Frames.frame(from: 2, to: .broadcast), on: 1, now: .zero)
        let down = sw.setPort(1, isUp: false)
        #expect(Frames.notes(down) == ["port p2 down: flushed 1 address"])
        #expect(sw.port(of: Frames.mac(2)) == nil)
        #expect(sw.port(of: Frames.mac(1)) == 0)
        let flood = sw.receive(frame: Frames.frame(from: 1, to: Frames.mac(2)), on: 0, now: .zero)
        #expect(Set(Frames.transmits(flood).keys) == [2, 3])
        let onDown = sw.receive(frame: Frames.frame(from: 2, to: .broadcast), on: 1, now: .zero)
        #expect(Frames.drops(onDown) == [.linkDown])
    }

    @Test func theTableIsBoundedAndUnlearnedAddressesStillFlood() {
        var sw = EthernetSwitch(ports: [SwitchPort(name: "p1"), SwitchPort(name: "p2")],
                                configuration: SwitchConfiguration(tableLimit: 2))
        for n in 1...5 { _ = sw.receive(frame: Frames.frame(from: UInt64(n), to: .broadcast), on: 0, now: .zero) }
        #expect(sw.tableCount == 2)
        let out = sw.receive(frame: Frames.frame(from: 9, to: Frames.mac(7)), on: 1, now: .zero)
        #expect(Frames.transmits(out).keys.sorted() == [0])
    }

    @Test func shortFramesAndGroupSourcesAreCountedDrops() {
        var sw = fourPorts()
        #expect(Frames.drops(sw.receive(frame: [1, 2, 3], on: 0, now: .zero)) == [.malformed])
        var groupSource = Frames.frame(from: 1, to: .broadcast)
        groupSource[6] = 0x01
        #expect(Frames.drops(sw.receive(frame: groupSource, on: 0, now: .zero)) == [.badSourceAddress])
        #expect(sw.tableCount == 0)
    }
}

@Suite struct SwitchVLANTests {
    /// p1, p2 access vlan 10; p3 access vlan 20; p4 trunk 10,20.
    private func lab() -> EthernetSwitch {
        EthernetSwitch(ports: [SwitchPort(name: "p1", mode: .access(10)), SwitchPort(name: "p2", mode: .access(10)),
                               SwitchPort(name: "p3", mode: .access(20)), SwitchPort(name: "p4", mode: .trunk([10, 20]))])
    }

    @Test func broadcastStaysInItsVLANAndIsTaggedOnTheTrunk() throws {
        var sw = lab()
        let plain = Frames.frame(from: 1, to: .broadcast)
        let out = Frames.transmits(sw.receive(frame: plain, on: 0, now: .zero))
        #expect(Set(out.keys) == [1, 3])
        #expect(out[1] == plain)
        #expect(out[3] == VLANTag(vlan: 10).inserted(into: plain))
        #expect(try VLANTag.of(out[3]!) == VLANTag(vlan: 10))
    }

    @Test func aTaggedFrameFromTheTrunkLeavesAnAccessPortUntagged() throws {
        var sw = lab()
        let plain = Frames.frame(from: 9, to: .broadcast)
        let out = Frames.transmits(sw.receive(frame: VLANTag(vlan: 20).inserted(into: plain), on: 3, now: .zero))
        #expect(Array(out.keys) == [2])
        #expect(out[2] == plain)
        #expect(sw.port(of: Frames.mac(9), vlan: 20) == 3)
        #expect(sw.port(of: Frames.mac(9), vlan: 10) == nil)
    }

    @Test func framesOutsideAPortsVLANsAreDropped() throws {
        var sw = lab()
        let plain = Frames.frame(from: 1, to: .broadcast)
        #expect(Frames.drops(sw.receive(frame: VLANTag(vlan: 10).inserted(into: plain), on: 0, now: .zero)) == [.vlanNotOnPort])
        #expect(Frames.drops(sw.receive(frame: plain, on: 3, now: .zero)) == [.vlanNotOnPort])
        #expect(Frames.drops(sw.receive(frame: VLANTag(vlan: 30).inserted(into: plain), on: 3, now: .zero)) == [.vlanNotOnPort])
        #expect(sw.tableCount == 0)
    }

    @Test func theSameAddressIsLearnedSeparatelyPerVLAN() {
        var sw = lab()
        _ = sw.receive(frame: Frames.frame(from: 5, to: .broadcast), on: 0, now: .zero)
        _ = sw.receive(frame: VLANTag(vlan: 20).inserted(into: Frames.frame(from: 5, to: .broadcast)), on: 3, now: .zero)
        #expect(sw.port(of: Frames.mac(5), vlan: 10) == 0)
        #expect(sw.port(of: Frames.mac(5), vlan: 20) == 3)
        #expect(sw.entries(now: .zero).map(\.vlan) == [10, 20])
    }
}
