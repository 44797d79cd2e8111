import RawNetCore
import RawNetWire
import Testing

/// `IPNode.receive(frame:)` forwards a frame it is given in place; a frame the
/// caller keeps must come out of the call exactly as it went in.
@Suite struct NetworkForwardInPlaceTests {
    /// alice's echo request as r1 receives it, after one ping resolved every neighbour.
    private func primedLab() throws -> (TestLab, [UInt8]) {
        var lab = TestLab.basic()
        lab.run("alice") { node, now in
            node.send(.icmp(.echoRequest(identifier: 9, sequence: 1, payload: Array("in place".utf8))),
                      to: TestLab.bob, now: now)
        }
        let request = try #require(lab.sent.last { sent in
            guard sent.from.node == "alice", case .ipv4(_, .icmp(.echoRequest)) = DecodedFrame(parsing: sent.frame).payload
            else { return false }
            return true
        })
        return (lab, request.frame)
    }

    private func transmitted(_ outputs: [NodeOutput]) -> [(Int, [UInt8])] {
        outputs.compactMap { if case .transmit(let interface, let frame) = $0 { (interface, frame) } else { nil } }
    }

    @Test func keptFrame_isUnchanged_andTheForwardedCopyHasTTLDecremented() throws {
        let (lab, frame) = try primedLab()
        let original = frame
        #expect(frame.count == 60)  // 14 + 20 + 8 + 8 bytes, padded to the Ethernet minimum
        var r1 = lab.nodes["r1"]!
        let outputs = r1.receive(frame: frame, on: 0, now: lab.now)
        #expect(frame == original)  // the caller's array is not touched
        let sent = transmitted(outputs)
        try #require(sent.count == 1)
        #expect(sent[0].0 == 1)
        let forwarded = try #require(DecodedFrame(parsing: sent[0].1).ipv4)
        #expect(forwarded.timeToLive == 63)
        #expect(DecodedFrame(parsing: sent[0].1).error == nil)  // checksum updated, not broken
        #expect(sent[0].1.count == 60)  // trimmed to the IP length, then padded again
        #expect(Array(sent[0].1[0..<6]) == MACAddress.derived(from: "bob.eth0").bytes)
    }

    @Test func givenUpFrame_isForwardedTheSameWay() throws {
        let (lab, frame) = try primedLab()
        var kept = lab.nodes["r1"]!
        var givenUp = kept
        let expected = transmitted(kept.receive(frame: frame, on: 0, now: lab.now))
        var owned = frame
        owned.append(contentsOf: [0, 0, 0, 0])  // more Ethernet padding than the IP length needs
        let actual = transmitted(givenUp.receive(frame: consume owned, on: 0, now: lab.now))
        try #require(actual.count == 1 && expected.count == 1)
        #expect(actual[0].0 == expected[0].0)
        #expect(actual[0].1 == expected[0].1)
    }

    /// A frame given up is forwarded in its own buffer: the TTL and addresses are written
    /// there, not into a copy (a copy per forwarded frame costs as much as the forwarding).
    @Test func givenUpFrame_isForwardedInItsOwnBuffer() throws {
        let (lab, frame) = try primedLab()
        var r1 = lab.nodes["r1"]!
        var owned: [UInt8] = []
        owned.append(contentsOf: frame)  // a buffer of its own, shared with no one
        let address = owned.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        let sent = transmitted(r1.receive(frame: consume owned, on: 0, now: lab.now))
        try #require(sent.count == 1)
        #expect(sent[0].1.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) } == address)
        #expect(DecodedFrame(parsing: sent[0].1).ipv4?.timeToLive == 63)
    }
}
