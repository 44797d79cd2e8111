import Testing
@testable import RawNetWire

/// The inline option collections: array behaviour, the overflow past six options, and
/// parsing/serializing through them.
@Suite struct TCPOptionListTests {
    static let blocks = (0..<4).map { SACKBlock(left: UInt32($0) * 100, right: UInt32($0) * 100 + 50) }

    @Test func sackBlockList_behavesLikeAnArray() {
        var list = SACKBlockList()
        #expect(list.isEmpty)
        for block in Self.blocks { list.append(block) }
        #expect(Array(list) == Self.blocks && list.count == 4)
        list[1] = SACKBlock(left: 7, right: 8)
        #expect(list[1] == SACKBlock(left: 7, right: 8))
        list.removeFirst()
        #expect(Array(list) == [SACKBlock(left: 7, right: 8), Self.blocks[2], Self.blocks[3]])
        list.insert(Self.blocks[0], at: 0)
        #expect(list == [Self.blocks[0], SACKBlock(left: 7, right: 8), Self.blocks[2], Self.blocks[3]])
        #expect(SACKBlockList(Self.blocks.prefix(2)) == [Self.blocks[0], Self.blocks[1]])
        #expect(SACKBlockList(Self.blocks.prefix(2)) != SACKBlockList(Self.blocks.prefix(3)))
    }

    @Test func sackBlockList_equalValuesHashEqual() {
        var a = SACKBlockList(Self.blocks)
        a.removeLast()
        let b = SACKBlockList(Self.blocks.prefix(3))
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
        #expect(TCPOption.sack(Self.blocks) == .sack(SACKBlockList(Self.blocks)))
    }

    @Test func optionList_behavesLikeAnArray() {
        let options: [TCPOption] = Array(repeating: .noOperation, count: 6) + [
            .maximumSegmentSize(1460), .windowScale(7), .sackPermitted, .timestamps(value: 1, echoReply: 2),
            .sack([Self.blocks[0]]),
        ]
        var list = TCPOptionList()
        for option in options { list.append(option) }
        #expect(list.count == 11 && Array(list) == options && list.encodedLength == 35)
        list[6] = .maximumSegmentSize(99)
        list[0] = .unknown(kind: 1, data: [])
        var expected = options
        expected[6] = .maximumSegmentSize(99)
        expected[0] = .unknown(kind: 1, data: [])
        #expect(Array(list) == expected && list.encodedLength == 36)
        list.remove(at: 3)
        expected.remove(at: 3)
        #expect(Array(list) == expected && list == TCPOptionList(expected))
        #expect(Set([list, TCPOptionList(expected)]).count == 1)
        #expect(list != TCPOptionList(expected.dropLast()))
        list.removeAll()
        #expect(list.isEmpty && list == [])
    }

    @Test func unknownOptionOfAKnownKind_staysUnknown() {
        let raw: TCPOptionList = [.unknown(kind: 2, data: [0x05, 0x78])]
        let mss: TCPOptionList = [.maximumSegmentSize(1400)]
        #expect(raw != mss && raw.first == .unknown(kind: 2, data: [0x05, 0x78]))
        var a: [UInt8] = [], b: [UInt8] = []
        TCPHeader(sourcePort: 1, destinationPort: 2, sequenceNumber: 3, acknowledgmentNumber: 4, flags: .ack,
                  window: 5, options: raw).serialize(into: &a)
        TCPHeader(sourcePort: 1, destinationPort: 2, sequenceNumber: 3, acknowledgmentNumber: 4, flags: .ack,
                  window: 5, options: mss).serialize(into: &b)
        #expect(a == b)
    }

    @Test func manyOptionsParsedFromBytes_roundTrip() throws {
        // 12 NOPs, MSS, an unknown option, SACK with 2 blocks, padding: 12 + 4 + 4 + 18 = 38 → 40 bytes.
        let options = TCPOptionList(Array(repeating: TCPOption.noOperation, count: 12) + [
            .maximumSegmentSize(1400), .unknown(kind: 99, data: [0xAB, 0xCD]),
            .sack([SACKBlock(left: 1, right: 2), SACKBlock(left: 3, right: 4)]),
        ])
        let tcp = TCPHeader(sourcePort: 1, destinationPort: 2, sequenceNumber: 3, acknowledgmentNumber: 4,
                            flags: .ack, window: 5, options: options)
        var out: [UInt8] = []
        tcp.serialize(into: &out)
        #expect(out.count == 60 && Array(out[32..<40]) == [2, 4, 0x05, 0x78, 99, 4, 0xAB, 0xCD])
        let parsed = try TCPHeader(parsing: out)
        #expect(parsed.options == options && parsed.options.count == 15)
    }

    @Test func fourSACKBlocks_fillTheOptionSpace() throws {
        let tcp = TCPHeader(sourcePort: 1, destinationPort: 2, sequenceNumber: 3, acknowledgmentNumber: 4,
                            flags: .ack, window: 5, options: [.noOperation, .noOperation, .sack(Self.blocks)])
        var out: [UInt8] = []
        tcp.serialize(into: &out)
        #expect(out.count == 56 && out[22] == 5 && out[23] == 34)
        let parsed = try TCPHeader(parsing: out)
        guard case .sack(let blocks) = parsed.options.last else {
            Issue.record("no SACK option in \(parsed.options)")
            return
        }
        #expect(Array(blocks) == Self.blocks)
    }
}
