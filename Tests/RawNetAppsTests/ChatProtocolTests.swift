import RawNetApps
import Testing

@Suite struct ChatProtocolTests {
    @Test func datagram_roundTripsAndRejectsNotices() {
        let message = ChatProtocol.Datagram(sequence: 12, name: "ann", text: "hi: there")
        #expect(ChatProtocol.Datagram(parsing: message.encoded) == message)
        #expect(ChatProtocol.Datagram(parsing: Array("* ann joined".utf8)) == nil)
        #expect(ChatProtocol.Datagram(parsing: Array("HELLO ann".utf8)) == nil)
        #expect(ChatProtocol.Datagram(parsing: Array("0 ann: zero is not a sequence".utf8)) == nil)
        #expect(ChatProtocol.Datagram(parsing: [0xFF, 0x20, 0x3A]) == nil)
    }

    @Test func names_withoutSpacesOrColons() {
        #expect(ChatProtocol.isValidName("alice"))
        #expect(!ChatProtocol.isValidName("a b"))
        #expect(!ChatProtocol.isValidName("a:b"))
        #expect(!ChatProtocol.isValidName(""))
    }

    @Test func tracker_marksGapsLateAndDuplicateLines() {
        var tracker = ChatSequenceTracker()
        #expect(tracker.record("a", sequence: 1) == .inOrder)
        #expect(tracker.record("a", sequence: 4) == .gap(missing: 2))
        #expect(tracker.record("b", sequence: 1) == .inOrder)
        #expect(tracker.record("a", sequence: 3) == .late)
        #expect(tracker.record("a", sequence: 3) == .duplicate)
        #expect(tracker.record("a", sequence: 5) == .inOrder)
        #expect(tracker.missingCount == 1)  // a's 2 never came
        #expect(tracker.lateCount == 1)
        #expect(tracker.duplicateCount == 1)
        #expect(tracker.receivedCount == 5)
    }

    /// A client that joins late is told where each sender's numbering stands: the next line
    /// is in order, a skipped one is a gap, and nothing sent before the join counts as lost.
    @Test func numbering_startsALateJoinersCountAtTheJoin() {
        let notice = ChatProtocol.Numbering(name: "ann (tcp)", count: 14)
        #expect(String(decoding: notice.encoded, as: UTF8.self) == "* ann (tcp) had sent 14 lines before you joined")
        #expect(ChatProtocol.Numbering(parsing: notice.encoded) == notice)
        #expect(ChatProtocol.Numbering(parsing: Array("* bo had sent 1 line before you joined".utf8))
                == ChatProtocol.Numbering(name: "bo", count: 1))
        for other in ["* ann joined from 10.0.1.10:49152", "* x had sent 0 lines before you joined",
                      "* x had sent 2 line before you joined", "* had sent 3 lines before you joined", "3 ann: hi"] {
            #expect(ChatProtocol.Numbering(parsing: Array(other.utf8)) == nil, "\(other)")
        }
        var tracker = ChatSequenceTracker()
        tracker.start("ann (tcp)", after: 14)
        tracker.start("bo", after: 3)
        #expect(tracker.record("ann (tcp)", sequence: 15) == .inOrder)
        #expect(tracker.record("ann (tcp)", sequence: 17) == .gap(missing: 1))
        #expect(tracker.record("bo", sequence: 4) == .inOrder)
        #expect(tracker.record("bo", sequence: 2) == .late)   // sent before the join, arriving now
        tracker.start("bo", after: 9)                          // too late: bo's lines already came
        #expect(tracker.record("bo", sequence: 5) == .inOrder)
        #expect(tracker.missingCount == 1)                     // only ann's 16
        #expect(tracker.receivedCount == 5)
    }

    /// A member that leaves and comes back numbers its lines from 1 again: its notices restart
    /// its count, and what it never delivered before still counts as missing.
    @Test func aRejoiningMember_isCountedAfresh() {
        #expect(ChatProtocol.comingOrGoing(Array("* bo joined from 10.0.2.20:49154".utf8)) == "bo")
        #expect(ChatProtocol.comingOrGoing(Array("* bo left".utf8)) == "bo")
        #expect(ChatProtocol.comingOrGoing(Array("* bo had sent 3 lines before you joined".utf8)) == nil)
        #expect(ChatProtocol.comingOrGoing(Array("3 bo: I left".utf8)) == nil)
        var tracker = ChatSequenceTracker()
        #expect(tracker.record("bo", sequence: 1) == .inOrder)
        #expect(tracker.record("bo", sequence: 3) == .gap(missing: 1))
        tracker.restart("bo")
        #expect(tracker.record("bo", sequence: 1) == .inOrder)
        #expect(tracker.record("bo", sequence: 2) == .inOrder)
        #expect(tracker.lateCount == 0)
        #expect(tracker.missingCount == 1, "bo's first 2 never came")
        #expect(tracker.receivedCount == 4)
    }

    /// A datagram that skipped others is not called lost: one that fills the
    /// gap later is marked out of order, and only what never came counts as lost.
    @Test func marks_neverCallAGapLost_andNameWhatALateLineFollowed() {
        var tracker = ChatSequenceTracker()
        func mark(_ sequence: Int) -> String? {
            let verdict = tracker.record("a", sequence: sequence)
            return tracker.mark(verdict, sequence: sequence, from: "a")
        }
        #expect(mark(1) == nil)
        #expect(mark(3) == "[missing #2: lost or late]")
        #expect(mark(2) == "[out of order: after #3]")
        #expect(mark(7) == "[missing #4–#6: lost or late]")
        #expect(mark(7) == "[duplicate]")
        #expect(mark(5) == "[out of order: after #7]")
        #expect(tracker.missingCount == 2)  // 4 and 6 never came
    }

    /// Control characters are shown as `cat -v` shows them; text, tabs and other scripts stay.
    @Test func visible_showsControlCharactersInCaretNotation() {
        #expect(ChatProtocol.visible("plain text, 한국어\tand a tab") == "plain text, 한국어\tand a tab")
        #expect(ChatProtocol.visible("red \u{1B}[31mtext\u{1B}[0m") == "red ^[[31mtext^[[0m")
        #expect(ChatProtocol.visible("bell\u{07} ff\u{0C} cr\u{0D} nul\u{00}") == "bell^G ff^L cr^M nul^@")
        #expect(ChatProtocol.visible("del\u{7F} csi\u{9B}2J nel\u{85}") == "del^? csiM-^[2J nelM-^E")
    }

    /// A UDP member's goodbye carries how many lines it sent; the room's notice of it says
    /// which last ones never came, and a member reads the count back from that notice.
    @Test func goodbyeWithItsCount_andTheRoomsNotice() {
        #expect(String(decoding: ChatProtocol.Goodbye(name: "sam", sent: 5).encoded, as: UTF8.self) == "BYE sam after 5 lines")
        #expect(ChatProtocol.Goodbye(parsing: Array("BYE sam after 1 line".utf8)) == ChatProtocol.Goodbye(name: "sam", sent: 1))
        #expect(ChatProtocol.Goodbye(parsing: Array("BYE sam".utf8)) == ChatProtocol.Goodbye(name: "sam", sent: nil))
        #expect(ChatProtocol.Goodbye(parsing: Array("BYE sam after -3 lines".utf8))?.sent == nil)
        #expect(ChatProtocol.Goodbye(parsing: Array("HELLO sam".utf8)) == nil)
        let notice = ChatProtocol.leftNotice("sam", sent: 5, unseenAtEnd: 2)
        #expect(notice == "* sam left after 5 lines (the last 2, #4-5, never reached the room)")
        #expect(ChatProtocol.leftNotice("sam", sent: 5, unseenAtEnd: 1) == "* sam left after 5 lines (the last, #5, never reached the room)")
        #expect(ChatProtocol.leftNotice("sam", sent: nil, unseenAtEnd: 0) == "* sam left")
        #expect(ChatProtocol.comingOrGoing(Array(notice.utf8)) == "sam" && ChatProtocol.leftCount(Array(notice.utf8)) == 5)
        var tracker = ChatSequenceTracker()
        for line in 1...3 { _ = tracker.record("sam", sequence: line) }
        #expect(tracker.ended("sam", after: 5) == 2 && tracker.missingCount == 2)
        #expect(tracker.ended("sam", after: 2) == 0, "fewer than seen: nothing more is missing")
    }
}
