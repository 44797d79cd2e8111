/// How many terminal columns text takes, and wrapping by that count.
///
/// East Asian Wide and Fullwidth characters (Hangul syllables and jamo, CJK,
/// fullwidth forms) take two columns, combining marks and zero-width
/// characters none, everything else one — box drawing and arrows included.
/// ANSI escape sequences (colour) take none. Hangul lines counted by
/// characters come out far wider than they look; these functions count columns.
public enum DisplayWidth {
    /// Columns `scalar` takes in a terminal.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        if v < 0x300 { return 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if v == 0x200B || (0x1160...0x11FF).contains(v) || (0xD7B0...0xD7FF).contains(v) { return 0 }  // medial/final jamo join
        if isWide(v) { return 2 }
        return 1
    }

    static func isWide(_ v: UInt32) -> Bool {
        (0x1100...0x115F).contains(v)        // Hangul Jamo, initial consonants
            || (0x2E80...0x303E).contains(v)  // CJK radicals, punctuation
            || (0x3041...0x33FF).contains(v)  // kana, Hangul compatibility jamo, CJK symbols
            || (0x3400...0x4DBF).contains(v)  // CJK extension A
            || (0x4E00...0x9FFF).contains(v)  // CJK unified ideographs
            || (0xA960...0xA97F).contains(v)  // Hangul Jamo extended A
            || (0xAC00...0xD7A3).contains(v)  // Hangul syllables
            || (0xF900...0xFAFF).contains(v)  // CJK compatibility ideographs
            || (0xFE30...0xFE4F).contains(v)  // CJK compatibility forms
            || (0xFF00...0xFF60).contains(v)  // fullwidth forms
            || (0xFFE0...0xFFE6).contains(v)
            || (0x1F300...0x1F64F).contains(v) // emoji pictographs
            || (0x20000...0x3FFFD).contains(v)
    }

    /// Columns `text` takes; ANSI escape sequences (`ESC [ … letter`) count nothing.
    public static func of(_ text: some StringProtocol) -> Int {
        var width = 0
        var inEscape = false, sawBracket = false
        for scalar in text.unicodeScalars {
            if inEscape {
                if !sawBracket {
                    sawBracket = true
                    if scalar != "[" { inEscape = false }
                } else if (0x40...0x7E).contains(scalar.value) {
                    inEscape = false
                }
                continue
            }
            if scalar == "\u{1B}" { inEscape = true; sawBracket = false; continue }
            width += of(scalar)
        }
        return width
    }

    /// `text` cut into lines of at most `width` columns, broken at spaces (a word
    /// wider than a line is cut by columns). The first line starts with `indent`,
    /// the others with `continuation` (default: `indent`); both count toward the width.
    /// Runs of spaces inside a line are kept, so aligned columns stay aligned.
    public static func wrap(_ text: String, width: Int, indent: String = "", continuation: String? = nil) -> [String] {
        let next = continuation ?? indent
        var lines: [String] = []
        var line = indent
        var lineWidth = of(indent)
        var hasWord = false
        var pendingSpaces = ""
        for word in words(text) {
            if word.allSatisfy({ $0 == " " }) { pendingSpaces = hasWord || (lines.isEmpty && line == indent) ? word : ""; continue }
            let wordWidth = of(word)
            if hasWord && lineWidth + pendingSpaces.count + wordWidth > width {
                lines.append(line)
                line = next
                lineWidth = of(next)
                hasWord = false
                pendingSpaces = ""
            }
            if !hasWord && lineWidth + wordWidth > width {
                // A word longer than a whole line: cut it by columns.
                var piece = ""
                var pieceWidth = 0
                for character in word {
                    let w = of(String(character))
                    if lineWidth + pieceWidth + w > width && pieceWidth > 0 {
                        lines.append(line + piece)
                        line = next
                        lineWidth = of(next)
                        piece = ""
                        pieceWidth = 0
                    }
                    piece.append(character)
                    pieceWidth += w
                }
                line += piece
                lineWidth += pieceWidth
                hasWord = true
                continue
            }
            line += pendingSpaces + word
            lineWidth += pendingSpaces.count + wordWidth
            pendingSpaces = ""
            hasWord = true
        }
        if hasWord || lines.isEmpty { lines.append(line) }
        return lines
    }

    /// Words and runs of spaces, in order.
    private static func words(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var currentIsSpace = false
        for character in text {
            let isSpace = character == " "
            if !current.isEmpty && isSpace != currentIsSpace {
                parts.append(current)
                current = ""
            }
            currentIsSpace = isSpace
            current.append(character)
        }
        if !current.isEmpty { parts.append(current) }
        return parts
    }

    /// `text` padded with spaces on the right to `width` columns.
    public static func rightPad(_ text: String, _ width: Int) -> String {
        let n = of(text)
        return n >= width ? text : text + String(repeating: " ", count: width - n)
    }

    /// `text` padded with spaces on the left to `width` columns.
    public static func leftPad(_ text: String, _ width: Int) -> String {
        let n = of(text)
        return n >= width ? text : String(repeating: " ", count: width - n) + text
    }
}

/// The language of a view's own words (headings, notes); protocol notation stays as it is.
public enum ViewLanguage: Sendable {
    case en, ko
}
