/// Picks frames for a one-shot rule. It sees every frame submitted while its
/// rule is pending, in order (so it can learn, say, where a TCP connection's
/// sequence numbers start), and says whether this one is chosen.
public protocol FrameChooser: Sendable {
    mutating func chooses(_ frame: [UInt8]) -> Bool
}

/// A rule that acts on the next `count` frames a chooser picks — the lab's
/// "kill this one packet" (`rawnet impair … --drop-next 'tcp and seq 27'`).
/// It runs before every other stage; a frame it drops meets no other
/// impairment, a frame it corrupts goes on through the others.
public struct ImpairmentRule: Sendable {
    /// What the rule does to a chosen frame.
    public enum Action: String, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The frame never leaves ("dropped on request").
        case drop = "drop-next"
        /// Bit 0 of the IPv4 packet's last byte is flipped (not of Ethernet
        /// padding), so the checksum that covers it — TCP's, UDP's or ICMP's —
        /// fails at the receiver; a frame that is not IPv4 gets its last byte flipped.
        case corrupt = "corrupt-next"
        public var description: String { rawValue }
    }

    public var action: Action
    /// The chooser's text as the user gave it, for `show`.
    public var filter: String
    /// Frames still to act on; 0 once the rule is used up.
    public internal(set) var remaining: Int
    /// Frames the rule has acted on.
    public internal(set) var applied: Int = 0
    var chooser: any FrameChooser

    /// A rule acting on the next `count` (at least 1) frames `chooser` picks.
    public init(_ action: Action, filter: String, count: Int = 1, chooser: any FrameChooser) {
        self.action = action
        self.filter = filter
        self.remaining = max(1, count)
        self.chooser = chooser
    }

    /// True while the rule still has frames to act on.
    public var isPending: Bool { remaining > 0 }

    /// Shows `frame` to the chooser; true (and counted) when the rule acts on it.
    mutating func takes(_ frame: [UInt8]) -> Bool {
        guard remaining > 0, chooser.chooses(frame) else { return false }
        remaining -= 1
        applied += 1
        return true
    }

    /// Flips bit 0 of the last byte of `frame`'s IPv4 packet (of the frame when it
    /// carries no IPv4 packet); returns that byte's offset.
    static func flipLastBit(_ frame: inout [UInt8]) -> Int? {
        guard var last = frame.indices.last else { return nil }
        if frame.count >= 34, frame[12] == 0x08, frame[13] == 0x00 {
            let total = Int(frame[16]) << 8 | Int(frame[17])
            if total >= 20, 14 + total <= frame.count { last = 14 + total - 1 }
        }
        frame[last] ^= 1
        return last
    }
}

extension ImpairmentEngine {
    /// Rules in force or used up, in the order they were added (at most one per action).
    public var rules: [ImpairmentRule] { [dropRule, corruptRule].compactMap { $0 } }

    /// Adds `rule`, replacing an earlier rule of the same action (used up or not).
    public mutating func addRule(_ rule: ImpairmentRule) {
        switch rule.action {
        case .drop: dropRule = rule
        case .corrupt: corruptRule = rule
        }
        refreshFastPath()
    }

    /// Removes every rule.
    public mutating func removeRules() {
        dropRule = nil
        corruptRule = nil
        refreshFastPath()
    }

    var hasPendingRule: Bool { dropRule?.isPending == true || corruptRule?.isPending == true }
}
