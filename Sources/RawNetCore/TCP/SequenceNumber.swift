/// A 32-bit TCP sequence number with modular (wrap-around) arithmetic, RFC 9293 §3.4.
///
/// Two sequence numbers compare by the sign of their 32-bit difference, so the
/// order is only meaningful for numbers less than 2³¹ apart. The connection keeps
/// its own state as 64-bit stream positions and converts at the wire boundary
/// with ``unwrap(isn:near:)`` and ``init(wrapping:isn:)``.
public struct SequenceNumber: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// The sequence number of 64-bit stream `position`, counted from `isn`.
    public init(wrapping position: Int, isn: SequenceNumber) {
        rawValue = isn.rawValue &+ UInt32(truncatingIfNeeded: position)
    }

    public static func + (lhs: SequenceNumber, rhs: Int) -> SequenceNumber {
        SequenceNumber(lhs.rawValue &+ UInt32(truncatingIfNeeded: rhs))
    }

    public static func - (lhs: SequenceNumber, rhs: Int) -> SequenceNumber {
        SequenceNumber(lhs.rawValue &- UInt32(truncatingIfNeeded: rhs))
    }

    /// The signed distance from `rhs` to `lhs` (how far `lhs` is ahead of `rhs`).
    public static func - (lhs: SequenceNumber, rhs: SequenceNumber) -> Int {
        Int(Int32(bitPattern: lhs.rawValue &- rhs.rawValue))
    }

    public static func < (lhs: SequenceNumber, rhs: SequenceNumber) -> Bool { lhs - rhs < 0 }
    public static func <= (lhs: SequenceNumber, rhs: SequenceNumber) -> Bool { lhs - rhs <= 0 }
    public static func > (lhs: SequenceNumber, rhs: SequenceNumber) -> Bool { lhs - rhs > 0 }
    public static func >= (lhs: SequenceNumber, rhs: SequenceNumber) -> Bool { lhs - rhs >= 0 }

    /// The 64-bit stream position of this number, counted from `isn`, choosing of all
    /// positions with the same low 32 bits the one closest to `checkpoint`.
    public func unwrap(isn: SequenceNumber, near checkpoint: Int) -> Int {
        let offset = Int(rawValue &- isn.rawValue)
        let span = 1 << 32
        var candidate = (checkpoint & ~(span - 1)) + offset
        if candidate - checkpoint > span / 2 { candidate -= span }
        else if checkpoint - candidate > span / 2 { candidate += span }
        return candidate
    }

    /// True if `self` lies in the half-open range [`lower`, `upper`) modulo 2³².
    public func isWithin(_ lower: SequenceNumber, _ upper: SequenceNumber) -> Bool {
        (rawValue &- lower.rawValue) < (upper.rawValue &- lower.rawValue)
    }

    public var description: String { String(rawValue) }
}
