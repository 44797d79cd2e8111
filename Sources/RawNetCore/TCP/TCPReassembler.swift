/// Puts received bytes back in order. Bytes arrive with their absolute stream
/// index, possibly out of order, overlapping, duplicated or beyond the window;
/// the reassembler hands back exactly the new in-order bytes and keeps the rest.
public struct TCPReassembler: Sendable {
    /// A run of bytes held out of order.
    struct Piece: Sendable {
        var start: Int
        var bytes: [UInt8]
        var end: Int { start + bytes.count }
    }

    /// Stream index of the next byte expected in order.
    public private(set) var nextIndex: Int
    private var pieces: [Piece] = []
    /// Start of the piece most recently added out of order (reported first in SACK).
    private var latestStart: Int?

    public init(nextIndex: Int = 0) { self.nextIndex = nextIndex }

    /// Bytes held out of order.
    public var pendingByteCount: Int { pieces.reduce(0) { $0 + $1.bytes.count } }
    public var hasHoles: Bool { !pieces.isEmpty }

    /// Ranges of stream indices held out of order, lowest first.
    public var heldRanges: [Range<Int>] { pieces.map { $0.start..<$0.end } }

    /// Ranges still missing between `nextIndex` and the highest byte held.
    public var holes: [Range<Int>] {
        var result: [Range<Int>] = []
        var cursor = nextIndex
        for piece in pieces {
            if piece.start > cursor { result.append(cursor..<piece.start) }
            cursor = piece.end
        }
        return result
    }

    /// The first run of `range` already received: delivered (below `nextIndex`)
    /// or held out of order. What a D-SACK reports (RFC 2883 §4).
    public func firstDuplicate(in range: Range<Int>) -> Range<Int>? {
        guard !range.isEmpty else { return nil }
        if range.lowerBound < nextIndex { return range.lowerBound..<Swift.min(range.upperBound, nextIndex) }
        for piece in pieces where piece.end > range.lowerBound {
            guard piece.start < range.upperBound else { return nil }
            return Swift.max(piece.start, range.lowerBound)..<Swift.min(piece.end, range.upperBound)
        }
        return nil
    }

    /// The held range containing all of `range`, if one does.
    public func heldRange(containing range: Range<Int>) -> Range<Int>? {
        pieces.first { $0.start <= range.lowerBound && range.upperBound <= $0.end }.map { $0.start..<$0.end }
    }

    /// Adds `bytes` that start at stream index `index`. Anything before `nextIndex`
    /// (already delivered) or at or beyond `limit` (outside the window) is dropped.
    /// Returns the bytes that are now in order, possibly none.
    public mutating func insert(_ bytes: [UInt8], at index: Int, limit: Int) -> [UInt8] {
        var start = index
        var end = index + bytes.count
        if start < nextIndex { start = nextIndex }
        if end > limit { end = limit }
        guard start < end else { return [] }
        let slice = (start == index && end == index + bytes.count)
            ? bytes : Array(bytes[(start - index)..<(end - index)])
        if start == nextIndex {
            var output = slice
            nextIndex = end
            while let first = pieces.first, first.start <= nextIndex {
                if first.end > nextIndex {
                    output.append(contentsOf: first.bytes[(nextIndex - first.start)...])
                    nextIndex = first.end
                }
                pieces.removeFirst()
            }
            if let latest = latestStart, latest < nextIndex { latestStart = nil }
            return output
        }
        add(Piece(start: start, bytes: slice))
        return []
    }

    private mutating func add(_ piece: Piece) {
        // First held piece that ends at or after the new one starts (touching merges).
        var first = 0
        while first < pieces.count && pieces[first].end < piece.start { first += 1 }
        var last = first
        while last < pieces.count && pieces[last].start <= piece.end { last += 1 }
        if first == last {
            pieces.insert(piece, at: first)
            latestStart = piece.start
            return
        }
        // The common case behind a hole: the new bytes extend one held piece at its
        // end. Grow it in place, so a long run held out of order is not copied
        // again for every segment that lands after it.
        if last - first == 1 && pieces[first].start <= piece.start {
            let heldEnd = pieces[first].end
            if piece.end > heldEnd { pieces[first].bytes.append(contentsOf: piece.bytes[(heldEnd - piece.start)...]) }
            latestStart = pieces[first].start
            return
        }
        // Otherwise join the overlapping runs in start order, each adding only the
        // bytes past what is joined so far; the first run's storage is reused.
        var runs = Array(pieces[first..<last])
        let position = runs.firstIndex { $0.start > piece.start } ?? runs.count
        runs.insert(piece, at: position)
        let mergedStart = runs[0].start
        var merged: [UInt8] = []
        swap(&merged, &runs[0].bytes)
        pieces.removeSubrange(first..<last)
        for run in runs.dropFirst() {
            let joinedEnd = mergedStart + merged.count
            if run.end > joinedEnd { merged.append(contentsOf: run.bytes[(joinedEnd - run.start)...]) }
        }
        pieces.insert(Piece(start: mergedStart, bytes: merged), at: first)
        latestStart = mergedStart
    }

    /// Up to `limit` held ranges for SACK (RFC 2018 §4): the range holding the most
    /// recently received out-of-order bytes first, then the others, highest first.
    public func sackRanges(limit: Int) -> [Range<Int>] {
        guard limit > 0, !pieces.isEmpty else { return [] }
        var result: [Range<Int>] = []
        if let latest = latestStart, let piece = pieces.first(where: { $0.start <= latest && latest < $0.end }) {
            result.append(piece.start..<piece.end)
        }
        for piece in pieces.reversed() where result.count < limit {
            let range = piece.start..<piece.end
            if !result.contains(range) { result.append(range) }
        }
        return result
    }
}
