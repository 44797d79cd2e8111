import RawNetApps
import RawNetSocket
@testable import RawNetWeb
import Testing

/// The page's chat speaks both of the page's languages: a refused join, the notes of the
/// page's own member and the marks on UDP lines come in English and Korean.
@Suite struct WebChatTextTests {
    @Test func aRefusedJoin_saysWhyInBothLanguages() {
        do {
            _ = try WebChatRequest(query: ["host": "alice", "room": "bob", "port": "70000", "name": "ann"])
            Issue.record("a port beyond 65535 was taken")
        } catch {
            #expect(error.text.en == "the room's port must be from 1 to 65535, not '70000'")
            #expect(error.text.ko == "방의 포트는 1부터 65535까지입니다('70000'은 안 됩니다)")
        }
        do {
            _ = try WebChatRequest(query: ["host": "alice", "room": "bob", "port": "7000", "name": "a b"])
            Issue.record("a name with a space was taken")
        } catch {
            #expect(error.text.en.hasPrefix("a chat name is 1 to 32 characters"))
            #expect(error.text.ko.hasPrefix("채팅 이름은 공백과 콜론 없이"))
        }
    }

    @Test func networkErrors_keepTheTerminalsWordsBesideTheKorean() {
        #expect(NetworkError.connectionRefused.koreanDescription.contains("(connection refused)"))
        #expect(NetworkError.connectionReset.koreanDescription.hasPrefix("상대가 연결을 리셋했습니다"))
        #expect(NetworkError.timedOut.koreanDescription.contains("(timed out)"))
        #expect(NetworkError.hostClosedConnection.koreanDescription.contains("`rawnet status`로 확인하세요")
                && !NetworkError.hostClosedConnection.koreanDescription.contains("the lab stopped"))
    }

    @Test func udpMarks_inKorean_sayTheSameAsInEnglish() {
        var tracker = ChatSequenceTracker()
        _ = tracker.record("ann", sequence: 1)
        let gap = tracker.record("ann", sequence: 4)
        #expect(tracker.mark(gap, sequence: 4, from: "ann") == "[missing #2–#3: lost or late]")
        #expect(tracker.markKorean(gap, sequence: 4, from: "ann") == "[#2–#3 빠짐: 잃었거나 늦음]")
        let late = tracker.record("ann", sequence: 2)
        #expect(tracker.mark(late, sequence: 2, from: "ann") == "[out of order: after #4]")
        #expect(tracker.markKorean(late, sequence: 2, from: "ann") == "[순서 어긋남: #4 다음에 옴]")
        let again = tracker.record("ann", sequence: 2)
        #expect(tracker.markKorean(again, sequence: 2, from: "ann") == "[중복]")
        #expect(tracker.markKorean(tracker.record("ann", sequence: 5), sequence: 5, from: "ann") == nil)
    }
}
