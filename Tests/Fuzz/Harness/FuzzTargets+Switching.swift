// Fuzz targets of the LAN and routing decoders: RIP messages, 802.1Q tags and
// spanning tree BPDUs, each also fed to the engine that trusts it (RIPRouter,
// EthernetSwitch with and without its spanning tree), so "decoded" is followed
// by "handled" without a trap.
import RawNetCore
import RawNetWire

/// A RIP message as a UDP payload: it re-encodes to the same bytes (but for the
/// two must-be-zero bytes, which the encoder writes as zero), and a router with
/// two interfaces takes it from a neighbour, then lets its timers run.
func fuzzRIP(_ raw: UnsafeRawBufferPointer) {
    guard let message = try? RIPMessage(parsing: raw) else { return }
    var expected = Array(raw)
    expected[2] = 0
    expected[3] = 0
    require(message.bytes == expected, "RIP message does not encode back")
    let addresses = [IPv4InterfaceAddress("10.0.1.1/24")!, IPv4InterfaceAddress("10.0.2.1/24")!]
    var router = RIPRouter(addresses: addresses,
                           configuration: RIPConfiguration(update: .seconds(2), timeout: .seconds(12), garbage: .seconds(8)),
                           now: Instant(nanoseconds: 0))
    var outputs = router.start(now: Instant(nanoseconds: 0))
    let port: UInt16 = raw.count > 4 && raw[4] & 1 == 1 ? 4242 : RIPMessage.port
    outputs += router.receive(message, from: IPv4Address(10, 0, 1, 2), port: port, on: 0, now: .zero + .seconds(1))
    outputs += router.poll(now: .zero + .seconds(30))
    for case .send(_, _, _, let sent) in outputs {
        require((try? RIPMessage(parsing: sent.bytes)) == sent, "a message the router sends does not parse back")
        require(sent.entries.count <= RIPMessage.maximumEntries, "the router sent more than 25 entries in one message")
    }
}

/// Ports of the switch the `vlan` and `bpdu` targets feed: access VLAN 1, a
/// trunk of 1, 10 and 20, access VLAN 10.
let fuzzSwitchPorts = [
    SwitchPort(name: "p1"), SwitchPort(name: "p2", mode: .trunk([1, 10, 20])), SwitchPort(name: "p3", mode: .access(10)),
]

/// A frame with or without an 802.1Q tag: the tag's control field survives, removing
/// and inserting the tag gives the frame back, and a switch taking it on each
/// port sends tagged frames only out of trunks carrying their VLAN.
func fuzzVLAN(_ frame: [UInt8]) {
    let read: VLANTag?
    do { read = try VLANTag.of(frame) } catch { return }
    if let tag = read {
        require(VLANTag(controlField: tag.controlField) == tag, "VLAN control field does not survive")
        guard let (again, plain) = try? VLANTag.removed(from: frame) else {
            require(false, "a tag that was read cannot be removed")
            return
        }
        require(again == tag, "removing the tag read another tag")
        require(Array(tag.inserted(into: plain).prefix(frame.count)) == frame, "inserting the tag back changes the frame")
    }
    var bridge = EthernetSwitch(ports: fuzzSwitchPorts)
    for port in fuzzSwitchPorts.indices {
        checkSwitchOutputs(bridge.receive(frame: frame, on: port, now: .zero + .seconds(port)), bridge.ports, input: frame)
    }
}

/// Every frame a switch sends is tagged when it leaves a trunk, with a VLAN that
/// port carries, and untagged when it leaves an access port — unless `input`
/// came with two tags: the switch takes off one, as real switches do (QinQ).
func checkSwitchOutputs(_ outputs: [SwitchOutput], _ ports: [SwitchPort], input: [UInt8] = []) {
    let doubleTagged = input.count >= 18 && input[12] == 0x81 && input[13] == 0 && input[16] == 0x81 && input[17] == 0
    for case .transmit(let port, let sent) in outputs {
        let tag: VLANTag?
        do { tag = try VLANTag.of(sent) } catch {
            require(false, "the switch sent a frame shorter than an Ethernet header out of \(ports[port].name)")
            return
        }
        switch ports[port].mode {
        case .trunk(let ids):
            if !BPDU.isAddressedToBridges(sent) {
                require(tag.map { ids.contains($0.vlan) } == true, "a frame left trunk \(ports[port].name) without a VLAN it carries")
            }
        case .access:
            require(tag == nil || doubleTagged, "a tagged frame left access port \(ports[port].name)")
        }
    }
}

/// A frame to the spanning tree group: a configuration BPDU of version 0
/// re-encodes to its own bytes, and any BPDU encodes to a frame that parses
/// back to it.
func fuzzBPDU(_ frame: [UInt8]) {
    if let bpdu = try? BPDU(frame: frame) {
        let rebuilt = bpdu.frame(from: MACAddress(0x02_00_00_00_00_01))
        require((try? BPDU(frame: rebuilt)) == bpdu, "a BPDU's own frame does not parse back to it")
        let length = Int(frame[12]) << 8 | Int(frame[13])
        let body = Array(frame[17..<(14 + length)])
        if body.count >= 4, body[2] == 0, body[3] == 0 || body[3] == 0x80 {
            let used = body[3] == 0 ? BPDU.configurationLength : BPDU.notificationLength
            if body.count >= used {
                var expected = Array(body.prefix(used))
                if body[3] == 0 { expected[4] &= 0x81 }  // flags other than TC and TCA are not kept
                require(bpdu.bytes == expected, "a version 0 BPDU does not encode back")
            }
        }
    }
    fuzzSpanningTree(frame)
}

/// The frame as every port of a switch receives it, with and without a
/// spanning tree (started, fed the frame on each port, then left to its timers).
func fuzzSpanningTree(_ frame: [UInt8]) {
    let timers = SpanningTreeConfiguration(helloTime: .milliseconds(500), maxAge: .seconds(2), forwardDelay: .seconds(1))
    for tree in [nil, timers] {
        var bridge = EthernetSwitch(ports: fuzzSwitchPorts, spanningTree: tree, bridgeAddress: MACAddress(0x02_00_00_00_00_05))
        checkSwitchOutputs(bridge.start(now: .zero), bridge.ports)
        for port in fuzzSwitchPorts.indices {
            checkSwitchOutputs(bridge.receive(frame: frame, on: port, now: .zero + .milliseconds(100 * port)), bridge.ports,
                               input: frame)
        }
        checkSwitchOutputs(bridge.poll(now: .zero + .seconds(3)), bridge.ports)
        checkSwitchOutputs(bridge.setPort(0, isUp: false, now: .zero + .seconds(4)), bridge.ports)
        checkSwitchOutputs(bridge.poll(now: .zero + .seconds(10)), bridge.ports)
        if let next = bridge.nextDeadline() { require(next > .zero + .seconds(10), "a timer was left behind") }
    }
}
