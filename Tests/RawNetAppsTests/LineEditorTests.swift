import Testing
@testable import RawNetApps

@Suite struct LineEditorTests {
    static func feed(_ editor: inout LineEditor, _ text: String) -> [LineEditor.Event] { editor.feed(Array(text.utf8)) }

    @Test func enterFinishesTheLine_backspaceTakesWholeCharacters_evenHangul() {
        var editor = LineEditor()
        #expect(Self.feed(&editor, "hi 안녕").isEmpty)
        #expect(editor.text == "hi 안녕")
        #expect(editor.feed([0x7F]).isEmpty)
        #expect(editor.text == "hi 안", "one backspace takes one syllable, three bytes")
        #expect(Self.feed(&editor, "x\r") == [.line("hi 안x")])
        #expect(editor.text == "")
        // Bytes of one character split over two reads join when all have come.
        let syllable = Array("한".utf8)
        #expect(editor.feed(Array(syllable.prefix(2))).isEmpty && editor.text == "")
        #expect(editor.feed(Array(syllable.suffix(1))).isEmpty && editor.text == "한")
    }

    @Test func controlKeys_clearWordsAndLines_endInput_orInterrupt() {
        var editor = LineEditor()
        _ = Self.feed(&editor, "one two  ")
        _ = editor.feed([0x17])  // Ctrl-W
        #expect(editor.text == "one ")
        _ = editor.feed([0x15])  // Ctrl-U
        #expect(editor.text == "")
        #expect(editor.feed([0x04]) == [.endOfInput], "Ctrl-D on an empty line ends input")
        _ = Self.feed(&editor, "ab")
        #expect(editor.feed([0x04]).isEmpty, "Ctrl-D with words typed does nothing")
        #expect(editor.feed([0x03]) == [.interrupt])
        // Arrow keys and other escape sequences type nothing; a tab is a space; two lines in one read.
        _ = editor.feed([0x15])
        #expect(editor.feed([0x1B, 0x5B, 0x41, 0x1B, 0x5B, 0x31, 0x3B, 0x35, 0x43] + Array("a\tb\rc\n".utf8)) == [.line("a b"), .line("c")])
    }

    @Test func theLineIsRedrawnFromItsStart_withTheEndThatFits() {
        var editor = LineEditor()
        _ = Self.feed(&editor, "hello")
        #expect(editor.rendered(prompt: "> ", promptWidth: 2, columns: 80) == "\r\u{1B}[K> hello")
        _ = Self.feed(&editor, String(repeating: "가", count: 50))
        let narrow = editor.rendered(prompt: "> ", promptWidth: 2, columns: 20)
        #expect(narrow == "\r\u{1B}[K> " + String(repeating: "가", count: 8), "the end that fits in 17 columns: 8 syllables")
    }
}
