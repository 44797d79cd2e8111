import Testing
@testable import RawNetWire

@Suite struct PcapngTests {
    @Test func writerOutput_readsBack() throws {
        var writer = PcapngWriter()
        let a = writer.addInterface(name: "alice:eth0")
        let b = writer.addInterface(name: "r1:eth1", snapLength: 65535)
        #expect(a == 0 && b == 1)
        let frames = Captures.frames
        for (index, (_, frame)) in frames.enumerated() {
            writer.addPacket(interface: index % 2, timestampNanoseconds: 1_700_000_000_123_456_789 + UInt64(index), bytes: frame)
        }
        let data = writer.takeBytes()
        #expect(writer.takeBytes().isEmpty)
        #expect(data.count % 4 == 0)
        #expect(Array(data[0..<4]) == [0x0A, 0x0D, 0x0D, 0x0A])
        let reader = try PcapngReader(parsing: data)
        #expect(reader.application == "RawNet")
        #expect(reader.interfaces.map(\.name) == ["alice:eth0", "r1:eth1"])
        #expect(reader.interfaces.allSatisfy { $0.linkType == .ethernet && $0.timestampResolution == 9 })
        #expect(reader.interfaces[1].snapLength == 65535)
        #expect(reader.packets.count == frames.count)
        for (index, packet) in reader.packets.enumerated() {
            #expect(packet.interface == index % 2)
            #expect(packet.timestampNanoseconds == 1_700_000_000_123_456_789 + UInt64(index))
            #expect(packet.bytes == frames[index].1)
            #expect(packet.originalLength == frames[index].1.count)
        }
    }

    @Test func dropCountsAndInterfaceStatistics_readBack() throws {
        var writer = PcapngWriter()
        let eth0 = writer.addInterface(name: "r1:eth0")
        writer.addPacket(interface: eth0, timestampNanoseconds: 10, bytes: Golden.udp)
        writer.addStatistics(interface: eth0, timestampNanoseconds: 20, dropped: 412)
        writer.addPacket(interface: eth0, timestampNanoseconds: 30, bytes: Array(Golden.udp.dropLast()), dropCount: 412)
        let reader = try PcapngReader(parsing: writer.takeBytes())
        #expect(reader.packets.map(\.dropCount) == [nil, 412])
        #expect(reader.packets[1].bytes == Array(Golden.udp.dropLast()))   // options after odd-length data
        #expect(reader.statistics == [PcapngReader.Statistics(interface: 0, timestampNanoseconds: 20, interfaceDrops: 412)])
    }

    @Test func reader_rejectsDamagedFiles_withoutTrapping() {
        var writer = PcapngWriter()
        let eth0 = writer.addInterface(name: "eth0")
        writer.addPacket(interface: eth0, timestampNanoseconds: 1, bytes: Golden.udp)
        let data = writer.takeBytes()
        for length in 1..<data.count where length % 4 != 0 || length < data.count {
            _ = try? PcapngReader(parsing: Array(data[0..<length]))
        }
        #expect(throws: WireError.self) { _ = try PcapngReader(parsing: Array(data.dropLast(4))) }
        var random = TestRandom(seed: 42)
        for _ in 0..<2000 {
            var damaged = data
            for _ in 0..<3 { damaged[Int.random(in: 0..<damaged.count, using: &random)] = UInt8.random(in: 0...255, using: &random) }
            _ = try? PcapngReader(parsing: damaged)
        }
    }
}
