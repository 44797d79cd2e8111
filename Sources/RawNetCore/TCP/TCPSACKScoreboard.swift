/// The sender's record of which bytes the peer has selectively acknowledged
/// (RFC 6675 §3), as sorted, disjoint ranges of send positions.
public struct TCPSACKScoreboard: Sendable {
    public private(set) var ranges: [Range<Int>] = []

    public init() {}

    public var isEmpty: Bool { ranges.isEmpty }
    /// One past the highest SACKed position, if any.
    public var highestSACKed: Int? { ranges.last?.upperBound }
    public var sackedByteCount: Int { ranges.reduce(0) { $0 + $1.count } }

    /// Records a SACK block; returns true if it told something new.
    @discardableResult
    public mutating func add(_ range: Range<Int>) -> Bool {
        guard !range.isEmpty else { return false }
        var first = 0
        while first < ranges.count && ranges[first].upperBound < range.lowerBound { first += 1 }
        var last = first
        while last < ranges.count && ranges[last].lowerBound <= range.upperBound { last += 1 }
        if first == last {
            ranges.insert(range, at: first)
            return true
        }
        let merged = Swift.min(range.lowerBound, ranges[first].lowerBound)..<Swift.max(range.upperBound, ranges[last - 1].upperBound)
        let isNew = !(last - first == 1 && ranges[first] == merged)
        ranges.replaceSubrange(first..<last, with: [merged])
        return isNew
    }

    /// Drops everything below `position` (cumulatively acknowledged).
    public mutating func removeBelow(_ position: Int) {
        while let first = ranges.first, first.lowerBound < position {
            if first.upperBound <= position { ranges.removeFirst() }
            else { ranges[0] = position..<first.upperBound; break }
        }
    }

    public mutating func removeAll() { ranges.removeAll() }

    /// Takes `range` out of the record; returns how many positions it held.
    @discardableResult
    public mutating func remove(_ range: Range<Int>) -> Int {
        guard !range.isEmpty else { return 0 }
        var removed = 0
        var kept: [Range<Int>] = []
        var index = 0
        while index < ranges.count && ranges[index].upperBound <= range.lowerBound { index += 1 }
        let first = index
        while index < ranges.count && ranges[index].lowerBound < range.upperBound {
            let held = ranges[index]
            removed += Swift.min(held.upperBound, range.upperBound) - Swift.max(held.lowerBound, range.lowerBound)
            if held.lowerBound < range.lowerBound { kept.append(held.lowerBound..<range.lowerBound) }
            if held.upperBound > range.upperBound { kept.append(range.upperBound..<held.upperBound) }
            index += 1
        }
        if index > first { ranges.replaceSubrange(first..<index, with: kept) }
        return removed
    }

    /// The SACKed range holding `position`, if any.
    public func range(containing position: Int) -> Range<Int>? {
        for range in ranges {
            if range.contains(position) { return range }
            if range.lowerBound > position { return nil }
        }
        return nil
    }

    /// Start of the first SACKed range above `position`.
    public func nextStart(after position: Int) -> Int? {
        ranges.first { $0.lowerBound > position }?.lowerBound
    }

    /// RFC 6675 IsLost: more than (DupThresh − 1) · SMSS bytes, or DupThresh
    /// discontiguous ranges, SACKed above `position`.
    public func isLost(_ position: Int, mss: Int, duplicateThreshold: Int = 3) -> Bool {
        var bytes = 0
        var count = 0
        for range in ranges.reversed() {
            if range.upperBound <= position { break }
            bytes += range.upperBound - Swift.max(range.lowerBound, position)
            count += 1
            if bytes > (duplicateThreshold - 1) * mss || count >= duplicateThreshold { return true }
        }
        return false
    }
}
