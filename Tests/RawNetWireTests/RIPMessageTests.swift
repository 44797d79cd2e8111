import Testing
@testable import RawNetWire

@Suite struct RIPMessageTests {
    /// A response with two routes, byte for byte as RFC 2453 §4 lays it out.
    static let golden = bytes(
        "02 02 0000"                                              // response, version 2
        + " 0002 0000 0a000300 ffffff00 00000000 00000002"        // 10.0.3.0/24 metric 2
        + " 0002 0007 c0a80000 ffff0000 0a000c02 00000010")       // 192.168.0.0/16 tag 7 via 10.0.12.2, metric 16

    @Test func response_encodesToGoldenBytes() {
        let message = RIPMessage(command: .response, entries: [
            .init(prefix: IPv4Prefix("10.0.3.0/24")!, metric: 2),
            .init(prefix: IPv4Prefix("192.168.0.0/16")!, nextHop: IPv4Address("10.0.12.2")!, metric: 16, routeTag: 7),
        ])
        #expect(message.bytes == Self.golden)
    }

    @Test func golden_parsesBack() throws {
        let message = try RIPMessage(parsing: Self.golden)
        #expect(message.command == .response)
        #expect(message.version == 2)
        #expect(message.entries.count == 2)
        #expect(message.entries[0].prefix == IPv4Prefix("10.0.3.0/24"))
        #expect(message.entries[0].metric == 2)
        #expect(message.entries[1].routeTag == 7)
        #expect(message.entries[1].nextHop == IPv4Address("10.0.12.2"))
        #expect(message.entries[1].metric == 16)
        #expect(message.bytes == Self.golden)
    }

    @Test func wholeTableRequest_isOneEntryOfFamilyZeroMetric16() throws {
        let bytes = RIPMessage.wholeTableRequest.bytes
        #expect(bytes == RawNetWireTests.bytes("01 02 0000 0000 0000 00000000 00000000 00000000 00000010"))
        #expect(try RIPMessage(parsing: bytes).isWholeTableRequest)
        #expect(!RIPMessage(command: .response, entries: RIPMessage.wholeTableRequest.entries).isWholeTableRequest)
    }

    @Test func badMessages_areRefusedWithTheFieldAtFault() {
        #expect(throws: WireError.self) { try RIPMessage(parsing: [0x02, 0x02]) }
        #expect(throws: WireError.self) { try RIPMessage(parsing: bytes("02 02 0000")) }              // no entry
        #expect(throws: WireError.self) { try RIPMessage(parsing: Array(Self.golden.dropLast())) }   // ragged
        var version1 = Self.golden
        version1[1] = 1
        #expect(throws: WireError.self) { try RIPMessage(parsing: version1) }
        var badCommand = Self.golden
        badCommand[0] = 9
        do {
            _ = try RIPMessage(parsing: badCommand)
            Issue.record("command 9 parsed")
        } catch {
            #expect(error.field == "command")
        }
        let tooMany = bytes("02 02 0000") + Array(repeating: Array(Self.golden[4..<24]), count: 26).flatMap { $0 }
        #expect(throws: WireError.self) { try RIPMessage(parsing: tooMany) }
    }

    @Test func entry_prefixNeedsAContiguousMaskAndNoHostBits() {
        #expect(RIPMessage.Entry(address: IPv4Address("10.0.0.0")!, mask: IPv4Address("255.0.255.0")!, metric: 1).prefix == nil)
        #expect(RIPMessage.Entry(address: IPv4Address("10.0.0.1")!, mask: IPv4Address("255.255.255.0")!, metric: 1).prefix == nil)
        #expect(RIPMessage.Entry(address: .any, mask: .any, metric: 1).prefix == IPv4Prefix("0.0.0.0/0"))
    }

    @Test func responses_carryAtMost25EntriesEach() {
        let entries = (0..<60).map { RIPMessage.Entry(prefix: IPv4Prefix(network: IPv4Address(UInt32(0x0A00_0000 + $0 << 8)), length: 24), metric: 1) }
        let messages = RIPMessage.responses(entries)
        #expect(messages.map(\.entries.count) == [25, 25, 10])
        #expect(messages.flatMap(\.entries) == entries)
        #expect(messages.allSatisfy { $0.bytes.count <= 504 })
    }

    @Test func randomAndDamagedBytes_neverTrap_andWhatParsesReencodesTheSame() {
        var random = TestRandom(seed: 520)
        var parsed = 0
        for round in 0..<20_000 {
            var data: [UInt8]
            if round % 2 == 0 {
                data = random.bytes(Int(random.next() % 600))
            } else {
                data = Self.golden
                data[Int(random.next() % UInt64(data.count))] ^= UInt8(1) << UInt8(random.next() % 8)
            }
            if let message = try? RIPMessage(parsing: data) {
                parsed += 1
                #expect(message.bytes.count == data.count)
                #expect(Array(message.bytes[4...]) == Array(data[4...]), "entries kept as sent")
            }
        }
        #expect(parsed > 0)
    }

    @Test func multicastMAC_isTheGroupsLow23BitsUnder01005e() {
        #expect(MACAddress.multicast(RIPMessage.multicastGroup) == MACAddress("01:00:5e:00:00:09"))
        #expect(MACAddress.multicast(IPv4Address("239.129.2.3")!) == MACAddress("01:00:5e:01:02:03"))
    }
}
