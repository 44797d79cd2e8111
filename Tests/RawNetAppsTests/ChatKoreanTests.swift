import RawNetApps
import Testing

/// The room's notices and marks on a Korean screen: every form the room sends is read, and
/// anything else (what members type above all) is shown as it came.
@Suite struct ChatKoreanTests {
    @Test func everyNoticeTheRoomSends_readsInKorean() {
        let cases: [(String, String)] = [
            ("* ann joined from 10.0.1.10:49152", "* ann 들어옴 (10.0.1.10:49152에서)"),
            ("* sam joined over udp from 10.0.1.10:40000", "* sam 들어옴 (UDP, 10.0.1.10:40000에서)"),
            ("* ann left", "* ann 나감"),
            ("* sam left (udp)", "* sam 나감 (UDP)"),
            (ChatProtocol.leftNotice("sam", sent: 5, unseenAtEnd: 0), "* sam 나감: 5줄 보냄"),
            (ChatProtocol.leftNotice("sam", sent: 1, unseenAtEnd: 1), "* sam 나감: 1줄 보냄, 마지막 1줄(#1)은 대화방에 오지 못함"),
            (ChatProtocol.leftNotice("sam", sent: 15, unseenAtEnd: 2) + " (udp)",
             "* sam 나감 (UDP): 15줄 보냄, 마지막 2줄(#14-15)은 대화방에 오지 못함"),
            (String(decoding: ChatProtocol.Numbering(name: "al", count: 3).encoded, as: UTF8.self),
             "* 들어오기 전에 보낸 al의 줄: 3줄"),
            ("* eve (tcp) had sent 1 line before you joined", "* 들어오기 전에 보낸 eve (tcp)의 줄: 1줄"),
            ("* the room is full (256 members over udp)", "* 방이 꽉 참 (UDP 멤버 256명)"),
            ("[missing #2–#3: lost or late] (from sam, as the room saw it)", "[#2–#3 빠짐: 잃었거나 늦음] (sam에게서, 대화방 기준)"),
            ("sam (udp #4): hello [out of order: after #6]", "sam (udp #4): hello [순서 어긋남: #6 다음에 옴]"),
            ("sam (udp #4): hello [duplicate]", "sam (udp #4): hello [중복]"),
        ]
        for (english, korean) in cases {
            #expect(ChatProtocol.korean(english) == korean, "\(english)")
        }
    }

    @Test func membersLines_andUnknownText_stayAsTheyCame() {
        for line in ["ann: * bob left", "ann: [duplicate]", "* something new the room says", "bo (tcp): hi [duplicate]",
                     "sam (udp #4): a [bracket] of its own", "* two words left", ""] {
            #expect(ChatProtocol.korean(line) == line, "\(line)")
        }
    }

    /// The Korean of a mark read back from its English is the mark the tracker makes in Korean.
    @Test func marksReadBack_matchTheTrackersKoreanMarks() {
        var tracker = ChatSequenceTracker()
        var verdicts: [(ChatSequenceTracker.Verdict, Int, String)] = []
        for (name, sequence) in [("a", 1), ("a", 4), ("a", 2), ("a", 2), ("a", 7), ("b", 5)] {
            verdicts.append((tracker.record(name, sequence: sequence), sequence, name))
        }
        var checked = 0
        for (verdict, sequence, name) in verdicts {
            guard let english = tracker.mark(verdict, sequence: sequence, from: name) else { continue }
            #expect(ChatSequenceTracker.koreanMark(english) == tracker.markKorean(verdict, sequence: sequence, from: name), "\(english)")
            checked += 1
        }
        #expect(checked == 5, "gaps of one and of several, late, duplicate, not seen here")
        #expect(ChatSequenceTracker.koreanMark("[something else]") == nil)
    }
}
