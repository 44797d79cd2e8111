@testable import RawNetApps
import Testing

/// What a receiver keeps of each UDP sender's numbering is bounded, whatever the sender
/// numbers its lines: a room runs for as long as people chat, and anyone may send to it.
@Suite struct ChatSequenceBoundTests {
    /// A long chat losing every other line: every loss counted, a few hundred numbers kept.
    @Test func aLongLossyChat_countsEveryLoss_andKeepsAWindow() {
        var tracker = ChatSequenceTracker()
        for sequence in stride(from: 1, through: 100_001, by: 2) { _ = tracker.record("al", sequence: sequence) }
        #expect(tracker.receivedCount == 50_001)
        #expect(tracker.missingCount == 50_000)
        #expect(tracker.rememberedLineCount <= ChatSequenceTracker.window)
        // Within the window, a late line and a duplicate are still told apart.
        #expect(tracker.record("al", sequence: 100_000) == .late)
        #expect(tracker.record("al", sequence: 100_000) == .duplicate)
        #expect(tracker.missingCount == 49_999)
        // Older than the window: taken for late.
        #expect(tracker.record("al", sequence: 2) == .late)
    }

    /// Lines numbered far ahead (a hostile sender's Int.max) neither trap nor grow anything.
    @Test func hostileNumbers_saturate() {
        var tracker = ChatSequenceTracker()
        _ = tracker.record("x", sequence: 1)
        #expect(tracker.record("x", sequence: Int.max) == .gap(missing: Int.max - 2))
        _ = tracker.record("y", sequence: Int.max)
        #expect(tracker.missingCount == Int.max)
        tracker.restart("x")
        #expect(tracker.missingCount == Int.max)
        #expect(tracker.rememberedLineCount <= 3)
    }

    /// Senders beyond the limit are shown unmarked and cost nothing.
    @Test func sendersBeyondTheLimit_areNotFollowed() {
        var tracker = ChatSequenceTracker()
        for index in 0..<(ChatSequenceTracker.maximumSenders + 50) { _ = tracker.record("n\(index)", sequence: 5) }
        #expect(tracker.rememberedLineCount == ChatSequenceTracker.maximumSenders)
        #expect(tracker.record("n\(ChatSequenceTracker.maximumSenders + 10)", sequence: 9) == .inOrder)
        #expect(tracker.record("n0", sequence: 9) == .gap(missing: 3))
    }
}
