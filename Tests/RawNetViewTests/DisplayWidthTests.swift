import RawNetView
import Testing

@Suite struct DisplayWidthTests {
    @Test func hangulIsTwoColumns_asciiOne_boxDrawingAndArrowsOne_combiningNone() {
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("세그먼트") == 8)
        #expect(DisplayWidth.of("TCP 세그먼트") == 12)
        #expect(DisplayWidth.of("│─┌┐→◀▶✗↻") == 9)
        #expect(DisplayWidth.of("e\u{301}") == 1)                 // e + combining acute
        #expect(DisplayWidth.of("\u{1100}\u{1161}\u{11A8}") == 2)  // 각 as conjoining jamo
        #expect(DisplayWidth.of("ＡＢ") == 4)                      // fullwidth forms
        #expect(DisplayWidth.of("漢字") == 4)
        #expect(DisplayWidth.of("\u{1B}[1;31m✗ lost\u{1B}[0m") == 6)  // colour takes no columns
    }

    @Test func wrap_breaksAtSpacesByColumns_neverInsideAKoreanWord() {
        let text = "이번에는 alice → r1 케이블에서 프레임의 30 %가 사라지고, alice가 채팅 열 줄을 보냅니다. bob은 받은 것을 확인응답으로 알려 줍니다."
        let lines = DisplayWidth.wrap(text, width: 40, indent: "  ")
        #expect(lines.count > 1)
        for line in lines { #expect(DisplayWidth.of(line) <= 40, "\(line)") }
        // The words come back whole and in order.
        let words = text.split(separator: " ").map(String.init)
        #expect(lines.flatMap { $0.split(separator: " ").map(String.init) } == words)
        #expect(lines.allSatisfy { $0.hasPrefix("  ") })
    }

    @Test func wrap_keepsAlignedSpaces_cutsAnOverlongWord_usesContinuationIndent() {
        #expect(DisplayWidth.wrap("    0.512 alice:eth0  → x", width: 80) == ["    0.512 alice:eth0  → x"])
        let cut = DisplayWidth.wrap("가나다라마바사아자차카타파하", width: 10)
        #expect(cut == ["가나다라마", "바사아자차", "카타파하"])
        let hanging = DisplayWidth.wrap("one two three four", width: 9, indent: "- ", continuation: "  ")
        #expect(hanging == ["- one two", "  three", "  four"])
    }

    @Test func encapsulationInKorean_staysWithin78Columns_andSaysItInKorean() {
        // Large sequence numbers make the longest "header adds" line.
        let frame = Fixture.tcpFrame(from: Fixture.alice, farSide: false, id: 7, seq: 3_482_734_823, ack: 1_234_567_890,
                                     flags: [.ack, .psh], payload: Array("hello, bob\n".utf8))
        let text = Encapsulation.render(frame: frame, language: .ko)
        for line in text.split(separator: "\n") { #expect(DisplayWidth.of(line) <= 78, "\(line)") }
        #expect(text.contains("TCP 세그먼트 = TCP 헤더"))
        #expect(text.contains("확인응답\u{A0}번호"), "one term, never split over two lines")
        #expect(!text.contains("header adds"))
        let english = Encapsulation.render(frame: frame)
        for line in english.split(separator: "\n") { #expect(DisplayWidth.of(line) <= 78, "\(line)") }
    }

    /// Korean notes are twice as wide per character: the server lane still stands
    /// in one display column on every row, and the words come out translated.
    @Test func ladderWithKoreanWords_keepsTheServerLaneInOneDisplayColumn() {
        let korean: (String) -> String = {
            $0.replacing("enters TIME-WAIT", with: ": TIME-WAIT 상태로 들어감").replacing("time (ms)", with: "시각 (ms)")
                .replacing("client ", with: "클라이언트 ").replacing("server ", with: "서버 ")
        }
        let text = Ladder(events: Fixture.exchange).renderText(translate: korean)
        #expect(text.contains(": TIME-WAIT 상태로 들어감") && text.contains("클라이언트 alice"))
        let columns = text.split(separator: "\n").dropFirst().map { line -> Int? in
            guard let lane = line.lastIndex(of: "│") else { return nil }
            return DisplayWidth.of(line[..<lane])
        }
        #expect(columns.allSatisfy { $0 != nil })
        #expect(Set(columns.compactMap { $0 }).count == 1, "\(text)")
    }
}
