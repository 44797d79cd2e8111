import Foundation
import RawNetWire
import Testing

@Suite struct VLANTagTests {
    /// An ARP request from 02:00:00:00:00:01, 42 bytes before padding.
    private let plain: [UInt8] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06,
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
        10, 0, 10, 11, 0, 0, 0, 0, 0, 0, 10, 0, 10, 1,
    ] + [UInt8](repeating: 0, count: 18)

    @Test func taggingInsertsTPIDAndControlFieldAfterTheSource() throws {
        let tagged = VLANTag(vlan: 10).inserted(into: plain)
        #expect(Array(tagged[0..<12]) == Array(plain[0..<12]))
        #expect(Array(tagged[12..<18]) == [0x81, 0x00, 0x00, 0x0a, 0x08, 0x06])
        #expect(tagged.count == plain.count + 4)
        #expect(Array(tagged[18...]) == Array(plain[14...]))
    }

    @Test func priorityAndDropEligibleAreTheTopBits() {
        let tag = VLANTag(vlan: 0xabc, priority: 5, dropEligible: true)
        #expect(tag.controlField == 0xbabc)
        #expect(VLANTag(controlField: 0xbabc) == tag)
    }

    @Test func removingGivesBackTheFrameAndTag() throws {
        let tagged = VLANTag(vlan: 4094).inserted(into: plain)
        let removed = try #require(try VLANTag.removed(from: tagged))
        #expect(removed.tag.vlan == 4094)
        #expect(removed.frame == plain)
        #expect(try VLANTag.removed(from: plain) == nil)
    }

    @Test func aShortUntaggedFrameIsPaddedToTheMinimum() throws {
        let short = Array(plain[0..<42])
        let removed = try #require(try VLANTag.removed(from: VLANTag(vlan: 2).inserted(into: short)))
        #expect(removed.frame.count == EthernetView.minimumFrameLength)
        #expect(Array(removed.frame[0..<42]) == short)
    }

    @Test func aTruncatedTagIsAnError() {
        #expect(throws: WireError.self) { try VLANTag.of(Array(plain[0..<12]) + [0x81, 0x00, 0x00]) }
    }

    @Test func decodingLooksThroughTheTag() {
        let decoded = DecodedFrame(parsing: VLANTag(vlan: 20).inserted(into: plain))
        #expect(decoded.vlan?.vlan == 20)
        #expect(decoded.error == nil)
        #expect(decoded.arp?.targetIP == IPv4Address(10, 0, 10, 1))
        #expect(decoded.description.contains("802.1Q vlan 20"))
    }

    /// Tagged frames as the switch sends them on a trunk: tshark dissects the tag and what is inside, cleanly.
    @Test func tsharkDissectsTaggedFramesCleanly() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TsharkTests.tshark),
                     "tshark is required for this test but \(TsharkTests.tshark) is missing: install the tshark package")
        let frames = Captures.frames
        let arp = try #require(frames.first { $0.0 == "arpRequest" }).1
        let udp = try #require(frames.first { $0.0 == "udp" }).1
        let tagged = [VLANTag(vlan: 10).inserted(into: arp), VLANTag(vlan: 20, priority: 5).inserted(into: udp)]
        var writer = PcapngWriter()
        let trunk = writer.addInterface(name: "sw1:p4")
        for (index, frame) in tagged.enumerated() {
            writer.addPacket(interface: trunk, timestampNanoseconds: 1_700_000_000_000_000_000 + UInt64(index), bytes: frame)
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rawnet-vlan-\(UInt64.random(in: 0...UInt64.max)).pcapng")
        try Data(writer.takeBytes()).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let rows = try TsharkTests().dissect(file)
        try #require(rows.count == 2)
        for row in rows {
            #expect(row["_ws.malformed"] == nil)
            #expect((row["_ws.expert.severity"] ?? []).compactMap { Int($0) }.allSatisfy { $0 < 0x0080_0000 })
        }
        #expect(rows[0]["vlan.id"] == ["10"] && rows[0]["arp.opcode"] == ["1"])
        #expect(rows[1]["vlan.id"] == ["20"] && rows[1]["vlan.priority"] == ["5"])
        #expect(rows[1]["udp.dstport"] == ["4242"] && rows[1]["udp.checksum.status"] == ["1"])
    }
}
