import Testing
@testable import RawNetWire

@Suite struct ChecksumTests {
    @Test func rfc1071_example_sumsToDDF2() {
        // RFC 1071 §3: bytes 00 01 f2 03 f4 f5 f6 f7 have the ones'-complement sum 0xddf2.
        let data: [UInt8] = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]
        #expect(InternetChecksum.sum(data) == 0xDDF2)
        #expect(InternetChecksum.checksum(data) == 0x220D)
    }

    @Test func ipv4HeaderExample_checksumIsB861() {
        // The classic header 45 00 00 73 … c0 a8 00 c7 with checksum b861.
        var header = bytes("450000730000400040110000c0a80001c0a800c7")
        #expect(InternetChecksum.checksum(header) == 0xB861)
        header[10] = 0xB8; header[11] = 0x61
        #expect(InternetChecksum.sum(header) == 0xFFFF)
    }

    @Test func oddLength_padsLastByteWithZero() {
        #expect(InternetChecksum.sum([0x12, 0x34, 0x56]) == 0x6834)
        #expect(InternetChecksum.sum([0xAB]) == 0xAB00)
        #expect(InternetChecksum.sum([]) == 0)
    }

    @Test func fastSum_matchesBytewiseReference_forAllLengthsAndOffsets() {
        var random = TestRandom(seed: 1071)
        let data = random.bytes(300)
        for start in 0..<8 {
            for length in 0...(data.count - start) where length < 80 || length % 37 == 0 {
                let slice = Array(data[start..<start + length])
                #expect(InternetChecksum.sum(slice) == referenceSum(slice), "start \(start) length \(length)")
            }
        }
    }

    @Test func initialPartialSum_equalsSumOfConcatenation() {
        var random = TestRandom(seed: 7)
        let a = random.bytes(40), b = random.bytes(33)
        #expect(InternetChecksum.sum(b, initial: UInt32(InternetChecksum.sum(a))) == referenceSum(a + b))
    }

    @Test func pseudoHeaderSum_matchesExplicitBytes() {
        let explicit = bytes("0a00010a 0a000214 0006 001c")
        let sum = InternetChecksum.pseudoHeaderSum(source: Lab.alice, destination: Lab.bob, protocol: .tcp, length: 28)
        #expect(UInt16(sum) == referenceSum(explicit))
    }

    @Test func rfc1624_update_equalsFullRecompute_onTTLDecrement() {
        var random = TestRandom(seed: 1624)
        for _ in 0..<500 {
            var header = random.bytes(20)
            header[0] = 0x45
            header[8] = UInt8.random(in: 1...255, using: &random)
            header[10] = 0; header[11] = 0
            let c = InternetChecksum.checksum(header)
            header.storeUInt16(c, at: 10)
            var decremented = header
            let ttl = try! IPv4Header.decrementTTL(inPacket: &decremented)
            #expect(ttl == header[8] - 1)
            var recomputed = decremented
            recomputed[10] = 0; recomputed[11] = 0
            let full = InternetChecksum.checksum(recomputed)
            // Both are valid encodings; RFC 1624 eqn. 3 never yields 0xFFFF-vs-0 ambiguity here.
            #expect(InternetChecksum.sum(decremented) == 0xFFFF)
            #expect(decremented.loadUInt16(at: 10) == full)
        }
    }

    @Test func rfc1624_update_of32BitField_equalsRecompute() {
        var random = TestRandom(seed: 99)
        for _ in 0..<200 {
            var data = random.bytes(20)
            data[10] = 0; data[11] = 0
            let c = InternetChecksum.checksum(data)
            let old = UInt32(data[12]) << 24 | UInt32(data[13]) << 16 | UInt32(data[14]) << 8 | UInt32(data[15])
            let new = UInt32.random(in: 0...UInt32.max, using: &random)
            data[12] = UInt8(new >> 24); data[13] = UInt8(new >> 16 & 0xFF); data[14] = UInt8(new >> 8 & 0xFF); data[15] = UInt8(new & 0xFF)
            let updated = InternetChecksum.update(c, old: old, new: new)
            data.storeUInt16(updated, at: 10)
            #expect(InternetChecksum.sum(data) == 0xFFFF)
        }
    }

    @Test func decrementTTL_refusesZeroAndGarbage() throws {
        var zero = Golden.packet(Golden.echoRequest)
        zero[8] = 0
        #expect(throws: WireError.badValue(layer: "IPv4", field: "timeToLive", value: 0, expected: "at least 1")) {
            try IPv4Header.decrementTTL(inPacket: &zero)
        }
        var short: [UInt8] = [0x45, 0, 0]
        #expect(throws: WireError.self) { try IPv4Header.decrementTTL(inPacket: &short) }
        var offset = Golden.echoRequest
        #expect(try IPv4Header.decrementTTL(inPacket: &offset, at: 14) == 63)
        #expect(DecodedFrame(parsing: offset).error == nil)
    }

    /// Plain byte-by-byte reference of RFC 1071.
    func referenceSum(_ data: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var i = 0
        while i < data.count {
            let high = UInt32(data[i]) << 8
            let low = i + 1 < data.count ? UInt32(data[i + 1]) : 0
            sum += high | low
            i += 2
        }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        return UInt16(sum)
    }
}
