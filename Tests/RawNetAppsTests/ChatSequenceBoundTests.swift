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
        tracker.restart("y")  // announced: y numbers from 1
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

    /// A sender first heard at line 16 with no notice of where its numbering stood (that
    /// datagram was lost): its lines 1–15 may predate this receiver, so they are "not seen
    /// here", not "missing", and not counted lost. An announced sender's gap is a gap.
    @Test func anUnannouncedSender_isNotSaidToHaveLostItsEarlierLines() {
        var tracker = ChatSequenceTracker()
        let first = tracker.record("bob (tcp)", sequence: 16)
        #expect(first == .gap(missing: 15))
        #expect(tracker.mark(first, sequence: 16, from: "bob (tcp)") == "[#1–#15 not seen here: sent before you joined, or lost]")
        #expect(tracker.markKorean(first, sequence: 16, from: "bob (tcp)") == "[#1–#15 여기서 못 봄: 참여 전에 보냈거나 잃음]")
        #expect(tracker.missingCount == 0)
        #expect(tracker.record("bob (tcp)", sequence: 18) == .gap(missing: 1))
        #expect(tracker.mark(.gap(missing: 1), sequence: 18, from: "bob (tcp)") == "[missing #17: lost or late]")
        #expect(tracker.missingCount == 1)
        // Announced ("* al joined"): a first line after 1 is a gap, counted.
        tracker.restart("al")
        let announced = tracker.record("al", sequence: 3)
        #expect(tracker.mark(announced, sequence: 3, from: "al") == "[missing #1–#2: lost or late]")
        #expect(tracker.missingCount == 3)
    }

    /// The receiver's own lines come back numbered from 1 since it joined: when its first
    /// ones are lost (the room's welcome lost with them), they are missing and counted, never
    /// "sent before you joined"; a notice about its own name restarts nothing.
    @Test func ownLinesLostAtTheStart_areCountedMissing_notSaidToPredateTheReceiver() {
        var tracker = ChatSequenceTracker()
        tracker.own("al")
        tracker.start("al", after: 7)  // a numbering notice about itself changes nothing
        let first = tracker.record("al", sequence: 5)
        #expect(first == .gap(missing: 4))
        #expect(tracker.mark(first, sequence: 5, from: "al") == "[missing #1–#4: lost or late]")
        #expect(tracker.markKorean(first, sequence: 5, from: "al") == "[#1–#4 빠짐: 잃었거나 늦음]")
        tracker.follow(notice: Array("* al joined from 10.0.1.10:49152".utf8))
        #expect(tracker.record("al", sequence: 6) == .inOrder, "its own joined notice did not restart its count")
        #expect(tracker.missing(from: "al") == 4)
        // Sent 10 in all, 7–8 back late, 9–10 never: 6 missing.
        #expect(tracker.record("al", sequence: 8) == .gap(missing: 1))
        #expect(tracker.record("al", sequence: 7) == .late)
        #expect(tracker.missing(from: "al") + tracker.ended("al", after: 10) == 6)
    }
}
