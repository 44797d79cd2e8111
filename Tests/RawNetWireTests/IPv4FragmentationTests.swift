import Testing
@testable import RawNetWire

@Suite struct IPv4FragmentationTests {
    /// 10.0.1.10 → 10.0.2.20, UDP, id 0x1234, no flags, 40 data bytes 0…39.
    static let data: [UInt8] = (0..<40).map { UInt8($0) }
    static let packet = bytes("4500003c 12340000 40115160 0a00010a 0a000214") + data

    @Test func golden_threeFragments_offsetsFlagsLengthsAndChecksums() throws {
        let pieces = try IPv4Fragmentation.fragments(of: Self.packet, mtu: 36)
        #expect(pieces.count == 3)
        #expect(pieces[0] == bytes("45000024 12342000 40113178 0a00010a 0a000214") + Array(Self.data[0..<16]))
        #expect(pieces[1] == bytes("45000024 12342002 40113176 0a00010a 0a000214") + Array(Self.data[16..<32]))
        #expect(pieces[2] == bytes("4500001c 12340004 4011517c 0a00010a 0a000214") + Array(Self.data[32..<40]))
        for piece in pieces {
            let header = try IPv4Header(parsing: piece)  // verifies the header checksum
            #expect(header.isFragment)
        }
    }

    @Test func packetThatFits_comesBackUnchanged() throws {
        #expect(try IPv4Fragmentation.fragments(of: Self.packet, mtu: 60) == [Self.packet])
        #expect(try IPv4Fragmentation.fragments(of: Self.packet, mtu: 1500) == [Self.packet])
    }

    @Test func fragmentOfAFragment_keepsAbsoluteOffsetsAndTheLastMF() throws {
        let first = try IPv4Fragmentation.fragments(of: Self.packet, mtu: 44)  // 24 + 16 data bytes
        #expect(first.count == 2)
        let again = try IPv4Fragmentation.fragments(of: first[0], mtu: 28)  // 8 data bytes each
        let headers = try again.map { try IPv4Header(parsing: $0) }
        #expect(headers.map { Int($0.fragmentOffset) * 8 } == [0, 8, 16])
        #expect(headers.allSatisfy { $0.flags.contains(.moreFragments) })  // the original first fragment had MF
        #expect(again.flatMap { $0[20...] } == Array(first[0][20...]))
    }

    @Test func optionsWithoutTheCopiedFlag_goInTheFirstFragmentOnly() throws {
        // Router alert (0x94, copied) and a record-route-like option 0x07 (not copied), 8 bytes of options.
        var packet = bytes("47000040 00070000 40110000 0a00010a 0a000214 94040000 07040000") + Array(Self.data[0..<36])
        IPv4Fragmentation.writeHeaderFields(into: &packet, headerLength: 28, totalLength: 64, offsetUnits: 0,
                                            flags: [], moreFragments: false)
        let pieces = try IPv4Fragmentation.fragments(of: packet, mtu: 44)
        let headers = try pieces.map { try IPv4Header(parsing: $0) }
        #expect(headers[0].options == [0x94, 0x04, 0x00, 0x00, 0x07, 0x04, 0x00, 0x00])
        #expect(headers.dropFirst().allSatisfy { $0.options == [0x94, 0x04, 0x00, 0x00] })
        #expect(pieces.flatMap { $0[IPv4Header(parsingOrNil: $0)!.headerLength...] } == Array(Self.data[0..<36]))
    }

    @Test func mtuWithoutRoomForEightBytes_isRefused() {
        #expect(throws: WireError.self) { try IPv4Fragmentation.fragments(of: Self.packet, mtu: 27) }
    }

    @Test func decodedFrame_showsAFragmentUndecoded() throws {
        let pieces = try IPv4Fragmentation.fragments(of: Self.packet, mtu: 36)
        let frame = bytes("020000000014 02000000000a 0800") + pieces[1]
        let decoded = DecodedFrame(parsing: frame)
        #expect(decoded.error == nil)
        guard case .ipv4(let header, .fragment(let body)) = decoded.payload else {
            Issue.record("not a fragment: \(decoded)")
            return
        }
        #expect(header.fragmentOffset == 2 && body == Array(Self.data[16..<32]))
    }
}

extension IPv4Header {
    init?(parsingOrNil bytes: [UInt8]) {
        guard let header = try? IPv4Header(parsing: bytes) else { return nil }
        self = header
    }
}
