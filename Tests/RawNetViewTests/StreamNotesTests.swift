import Testing
@testable import RawNetView

/// The notes a watch writes when a node's stream ends and comes back, read in Korean where
/// they are written once in English (the web page's list), and left alone elsewhere.
@Suite struct StreamNotesTests {
    @Test func theEnglishNotes_readInKorean_insideALine() {
        let ended = "  12.345 r1 # " + StreamNotes.ended("r1", korean: false)
        #expect(StreamNotes.korean(ended) == "  12.345 r1 # " + StreamNotes.ended("r1", korean: true))
        let back = StreamNotes.resumed("r1", seconds: "0.31", korean: false)
        #expect(back == "* r1 is watched again; what it did in the 0.31 s since it started is not shown")
        #expect(StreamNotes.korean(back) == "* r1을(를) 다시 지켜봅니다: 데몬이 켜진 뒤 처음 0.31초 동안의 이벤트는 보이지 않습니다")
        #expect(StreamNotes.korean(StreamNotes.resumed("sw1", seconds: nil, korean: false)) == StreamNotes.resumed("sw1", seconds: nil, korean: true))
        #expect(KoreanViews.translate(back).contains("0.31초 동안의 이벤트는 보이지 않습니다"))
    }

    @Test func otherLines_stayAsTheyAre() {
        for line in ["* ann joined from 10.0.1.10:49152", "r1 # forwarded", "* r1 is watched", "plain"] {
            #expect(StreamNotes.korean(line) == line)
        }
    }
}
