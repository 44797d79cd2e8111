import Testing
import RawNetCore

@Suite struct TCPSequenceNumberTests {
    @Test func comparison_acrossWrapAround() {
        let high = SequenceNumber(0xFFFF_FFF0)
        let low = SequenceNumber(0x0000_0010)
        #expect(high < low)
        #expect(low > high)
        #expect(low - high == 0x20)
        #expect(high - low == -0x20)
        #expect(high + 0x20 == low)
        #expect(low - 0x20 == high)
        #expect(high <= high && high >= high)
    }

    @Test func isWithin_halfOpenRange_wrapsAround() {
        let lower = SequenceNumber(0xFFFF_FF00)
        let upper = SequenceNumber(0x0000_0100)
        #expect(SequenceNumber(0xFFFF_FF00).isWithin(lower, upper))
        #expect(SequenceNumber(0).isWithin(lower, upper))
        #expect(!SequenceNumber(0x100).isWithin(lower, upper))
        #expect(!SequenceNumber(0x8000_0000).isWithin(lower, upper))
    }

    @Test func wrapAndUnwrap_roundTrip_nearCheckpoint() {
        let isn = SequenceNumber(0xFFFF_FFFE)
        for position in [0, 1, 2, 5, 1 << 31, (1 << 32) - 1, 1 << 32, (1 << 32) + 7, 3 << 32] {
            let wrapped = SequenceNumber(wrapping: position, isn: isn)
            #expect(wrapped.unwrap(isn: isn, near: position) == position)
            #expect(wrapped.unwrap(isn: isn, near: position + 1000) == position)
            #expect(wrapped.unwrap(isn: isn, near: Swift.max(0, position - 1000)) == position)
        }
    }

    @Test func unwrap_choosesClosestCandidate_evenBelowZero() {
        let isn = SequenceNumber(100)
        #expect(SequenceNumber(99).unwrap(isn: isn, near: 0) == -1)
        #expect(SequenceNumber(100).unwrap(isn: isn, near: (1 << 32) - 10) == 1 << 32)
    }
}

@Suite struct TCPSendBufferTests {
    @Test func append_respectsCapacity_andIndexesAbsolutely() {
        var buffer = TCPSendBuffer(capacity: 10)
        #expect(buffer.append([1, 2, 3, 4, 5, 6]) == 6)
        #expect(buffer.append([7, 8, 9, 10, 11, 12]) == 4)
        #expect(buffer.freeSpace == 0)
        #expect(buffer.bytes(from: 2, count: 3) == [3, 4, 5])
        buffer.removeBytes(before: 4)
        #expect(buffer.startIndex == 4)
        #expect(buffer.count == 6)
        #expect(buffer.bytes(from: 0, count: 6) == [5, 6])
        #expect(buffer.bytes(from: 8, count: 100) == [9, 10])
        #expect(buffer.append([13]) == 1)
        #expect(buffer.endIndex == 11)
    }

    @Test func removeBeyondEnd_isClamped_andLongStreamsCompact() {
        var buffer = TCPSendBuffer(capacity: 100_000)
        var index = 0
        for round in 0..<200 {
            let chunk = [UInt8](repeating: UInt8(truncatingIfNeeded: round), count: 1000)
            buffer.append(chunk)
            index += 1000
            buffer.removeBytes(before: index - 500)
            #expect(buffer.bytes(from: index - 500, count: 1) == [UInt8(truncatingIfNeeded: round)])
        }
        buffer.removeBytes(before: 1 << 40)
        #expect(buffer.isEmpty)
        #expect(buffer.startIndex == 200_000)
    }

    /// Writes small and large (kept as written), acknowledgements anywhere and
    /// reads across chunk edges, against a flat array of every byte written.
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func matchesAFlatModel_underRandomWritesAcksAndReads(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        var buffer = TCPSendBuffer(capacity: 200_000)
        var written: [UInt8] = []
        var acknowledged = 0
        for step in 0..<400 {
            let size = random.chance(0.3) ? Int.random(in: 16_384...70_000, using: &random) : Int.random(in: 1...3_000, using: &random)
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: (written.count + $0) &* 31 &+ step) }
            let taken = buffer.append(bytes)
            #expect(taken == min(size, 200_000 - (written.count - acknowledged)))
            written += bytes.prefix(taken)
            #expect(buffer.endIndex == written.count)
            if random.chance(0.5) {
                acknowledged = min(written.count, acknowledged + Int.random(in: 0...90_000, using: &random))
                buffer.removeBytes(before: acknowledged)
            }
            #expect(buffer.startIndex == acknowledged)
            let from = Int.random(in: max(0, acknowledged - 100)...written.count, using: &random)
            let count = Int.random(in: 0...5_000, using: &random)
            let lower = max(from, acknowledged), upper = min(from + count, written.count)
            let expected = lower < upper ? Array(written[lower..<upper]) : []
            #expect(buffer.bytes(from: from, count: count) == expected)
        }
    }
}

@Suite struct TCPReassemblerTests {
    @Test func inOrder_isDeliveredAtOnce() {
        var r = TCPReassembler()
        do { let value = r.insert([1, 2, 3], at: 0, limit: 100); #expect(value == [1, 2, 3]) }
        #expect(r.nextIndex == 3)
    }

    @Test func outOfOrder_isHeld_untilHoleFills() {
        var r = TCPReassembler()
        do { let value = r.insert([4, 5], at: 3, limit: 100); #expect(value.isEmpty) }
        do { let value = r.insert([8], at: 7, limit: 100); #expect(value.isEmpty) }
        #expect(r.holes == [0..<3, 5..<7])
        #expect(r.pendingByteCount == 3)
        do { let value = r.insert([1, 2, 3], at: 0, limit: 100); #expect(value == [1, 2, 3, 4, 5]) }
        #expect(r.holes == [5..<7])
        do { let value = r.insert([6, 7], at: 5, limit: 100); #expect(value == [6, 7, 8]) }
        #expect(!r.hasHoles)
    }

    @Test func overlappingAndDuplicate_piecesMerge_withoutDuplicatingBytes() {
        var r = TCPReassembler()
        let stream = (0..<20).map { UInt8($0) }
        do { let value = r.insert(Array(stream[5..<10]), at: 5, limit: 100); #expect(value.isEmpty) }
        do { let value = r.insert(Array(stream[8..<14]), at: 8, limit: 100); #expect(value.isEmpty) }
        do { let value = r.insert(Array(stream[5..<10]), at: 5, limit: 100); #expect(value.isEmpty) }
        do { let value = r.insert(Array(stream[3..<6]), at: 3, limit: 100); #expect(value.isEmpty) }
        #expect(r.heldRanges == [3..<14])
        do { let value = r.insert(Array(stream[0..<4]), at: 0, limit: 100); #expect(value == Array(stream[0..<14])) }
        // Entirely old data gives nothing.
        do { let value = r.insert(Array(stream[2..<9]), at: 2, limit: 100); #expect(value.isEmpty) }
        // Partly old data gives only the new part.
        do { let value = r.insert(Array(stream[12..<16]), at: 12, limit: 100); #expect(value == Array(stream[14..<16])) }
    }

    @Test func beyondWindow_isCutAtLimit() {
        var r = TCPReassembler()
        do { let value = r.insert([1, 2, 3, 4, 5], at: 0, limit: 3); #expect(value == [1, 2, 3]) }
        do { let value = r.insert([9, 9], at: 10, limit: 8); #expect(value.isEmpty) }
        #expect(!r.hasHoles)
    }

    @Test func sackRanges_reportLatestFirst() {
        var r = TCPReassembler()
        _ = r.insert([1], at: 10, limit: 100)
        _ = r.insert([1], at: 30, limit: 100)
        _ = r.insert([1], at: 20, limit: 100)
        #expect(r.sackRanges(limit: 4) == [20..<21, 30..<31, 10..<11])
        #expect(r.sackRanges(limit: 2) == [20..<21, 30..<31])
    }
}
