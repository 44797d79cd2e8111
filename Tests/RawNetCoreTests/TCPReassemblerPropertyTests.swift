import Testing
import RawNetCore

/// The reassembler against a plain model: segments of a known stream arrive
/// shuffled, overlapping and duplicated; what comes out in order must be the
/// stream, byte for byte, and what is held must be exactly what arrived ahead.
@Suite struct TCPReassemblerPropertyTests {
    @Test(arguments: [1, 2, 3, 42, 7_777] as [UInt64])
    func shuffledOverlappingSegments_comeOutAsTheStream(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let length = 20_000
        let stream = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }
        // Segments of 1–1 500 bytes from random places, plus a cover of the whole stream.
        var segments: [Range<Int>] = []
        var cursor = 0
        while cursor < length {
            let size = Int.random(in: 1...1_500, using: &random)
            segments.append(cursor..<min(length, cursor + size))
            cursor += size
        }
        for _ in 0..<40 {
            let start = Int.random(in: 0..<length, using: &random)
            segments.append(start..<min(length, start + Int.random(in: 1...3_000, using: &random)))
        }
        segments.shuffle(using: &random)

        var reassembler = TCPReassembler()
        var delivered: [UInt8] = []
        var arrived = Set<Int>()
        for range in segments {
            delivered += reassembler.insert(Array(stream[range]), at: range.lowerBound, limit: length)
            arrived.formUnion(range)
            // The model: in order up to the first byte not yet arrived, held above it.
            var expectedNext = 0
            while arrived.contains(expectedNext) { expectedNext += 1 }
            #expect(reassembler.nextIndex == expectedNext)
            #expect(delivered.count == expectedNext)
            let held = arrived.filter { $0 >= expectedNext }.count
            #expect(reassembler.pendingByteCount == held)
            let ranges = reassembler.heldRanges
            #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound < $1.lowerBound }, "held runs are sorted and apart")
        }
        #expect(delivered == stream)
        #expect(!reassembler.hasHoles)
    }

    @Test func segmentsBehindOneHole_growOneRun_andDeliverOnceTheHoleFills() {
        var reassembler = TCPReassembler()
        let stream = (0..<(1_000 * 100)).map { UInt8(truncatingIfNeeded: $0) }
        for index in 1..<100 {
            let range = (index * 1_000)..<((index + 1) * 1_000)
            #expect(reassembler.insert(Array(stream[range]), at: range.lowerBound, limit: .max).isEmpty)
        }
        #expect(reassembler.heldRanges == [1_000..<100_000])
        #expect(reassembler.sackRanges(limit: 3) == [1_000..<100_000])
        let output = reassembler.insert(Array(stream[0..<1_000]), at: 0, limit: .max)
        #expect(output == stream)
        #expect(reassembler.nextIndex == 100_000)
    }
}
