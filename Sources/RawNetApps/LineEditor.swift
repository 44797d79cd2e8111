import RawNetView

/// The line being typed in a chat on a terminal, kept apart from the lines the room sends:
/// the terminal is put in character mode (no echo, no line discipline), the keys come here,
/// and the chat redraws this line under every line it prints. Without it, a line arriving
/// while you type lands in the middle of your half-typed words.
///
/// No I/O: `feed` takes the bytes the terminal sent and says what they finished; `rendered`
/// is what redraws the line.
public struct LineEditor: Sendable {
    /// What typed keys finished.
    public enum Event: Sendable, Equatable {
        /// Enter: the line as typed.
        case line(String)
        /// Ctrl-D on an empty line: the end of input, as at the end of a file.
        case endOfInput
        /// Ctrl-C: stop, as `/quit` does (the terminal sends it as a key, not a signal, so the
        /// chat can end cleanly and give the terminal back as it found it).
        case interrupt
    }

    /// The words typed so far on this line.
    public private(set) var text = ""
    /// The start of a character whose UTF-8 bytes have not all come yet.
    private var partial: [UInt8] = []
    /// Inside an escape sequence (an arrow key, a function key): its bytes are skipped.
    private var escape = EscapeState.none

    private enum EscapeState: Sendable { case none, started, controlSequence }

    public init() {}

    /// The events the bytes finish, in order; the rest stays in `text`.
    public mutating func feed(_ bytes: [UInt8]) -> [Event] {
        var events: [Event] = []
        for byte in bytes {
            switch escape {
            case .started:
                // ESC [ … is a control sequence (arrows, Home, Delete); ESC O x a function key.
                escape = byte == 0x5B || byte == 0x4F ? .controlSequence : .none
                continue
            case .controlSequence:
                // Ends with a byte from @ to ~; parameters and intermediates come before it.
                if (0x40...0x7E).contains(byte) { escape = .none }
                continue
            case .none:
                break
            }
            switch byte {
            case 0x0D, 0x0A:  // Enter (a terminal in character mode sends CR)
                flushPartial()
                events.append(.line(text))
                text = ""
            case 0x03:  // Ctrl-C
                partial = []
                events.append(.interrupt)
            case 0x04:  // Ctrl-D: the end of input on an empty line, nothing otherwise
                if text.isEmpty && partial.isEmpty { events.append(.endOfInput) }
            case 0x7F, 0x08:  // Backspace: the last character, whole (a Hangul syllable is one)
                if !partial.isEmpty { partial = [] } else if !text.isEmpty { text.removeLast() }
            case 0x15:  // Ctrl-U: the whole line
                text = ""
                partial = []
            case 0x17:  // Ctrl-W: the last word and the spaces after it
                while text.last == " " { text.removeLast() }
                while let last = text.last, last != " " { text.removeLast() }
            case 0x1B:
                escape = .started
            case 0x09:  // a tab is a space here: the line is one row of text
                text.append(" ")
            case 0x00..<0x20:
                continue  // other control keys do nothing
            default:
                partial.append(byte)
                flushPartialIfComplete()
            }
        }
        return events
    }

    /// Bytes of a character that has all come join `text`.
    private mutating func flushPartialIfComplete() {
        guard let first = partial.first else { return }
        let expected = first < 0x80 ? 1 : first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1
        if partial.count >= expected { flushPartial() }
    }

    private mutating func flushPartial() {
        guard !partial.isEmpty else { return }
        text += String(decoding: partial, as: UTF8.self)
        partial = []
    }

    /// What redraws the line on a terminal `columns` wide: back to its start, cleared, then the
    /// prompt and as much of the end of `text` as fits (the cursor stays after it).
    public func rendered(prompt: String, promptWidth: Int, columns: Int) -> String {
        let room = max(1, columns - promptWidth - 1)
        var shown = Substring(text)
        while DisplayWidth.of(shown) > room { shown = shown.dropFirst() }
        return "\r\u{1B}[K" + prompt + shown
    }

    /// What clears the line before the chat prints one of its own above it.
    public static let clear = "\r\u{1B}[K"
}
