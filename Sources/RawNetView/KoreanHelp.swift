/// `rawnet`'s help pages in Korean, for `--lang ko` (or RAWNET_LANG=ko, or a Korean locale).
///
/// The page is the argument parser's own, asked for so wide that nothing in it is wrapped
/// (`unwrappedColumns`): one line per paragraph of the overview, one per option. Its parts are
/// read back here: the section headers are put in Korean, each abstract, paragraph and
/// option's help through `KoreanHelpText.table`, and the page is wrapped again to the
/// terminal's width, counting a Hangul syllable as two columns. Option names, value names,
/// defaults, usage lines and example command lines stay as they are. A text the table does
/// not have stays English, whole (never half translated); the tests name every one.
public enum KoreanHelp {
    /// Columns to ask the parser's page for: no line of it is wrapped.
    public static let unwrappedColumns = 100_000

    /// Commands whose pages stay English: the daemons' entry points, which `rawnet up` and
    /// `rawnet attach` run (a learner never types them), and `bench` and `gen`, whose help is
    /// `rawnet-bench`'s own. Their one-line abstracts on the root page are in Korean.
    public static let englishOnlyCommands: Set<String> = ["router", "host", "switch", "linux", "bench", "gen"]

    /// The help column starts here, as in the parser's page (two spaces, the label, padding).
    static let helpColumn = 26

    /// The Korean page for the parser's page `english` (asked for `unwrappedColumns` wide),
    /// wrapped to `width` columns; nil when `english` is no help page (the version) or the
    /// page of a command that stays English.
    public static func page(_ english: String, width: Int) -> String? {
        guard let parts = parse(english) else { return nil }
        if let words = commandWords(parts), let first = words.first, englishOnlyCommands.contains(first) { return nil }
        return render(parts, width: max(width, 20))
    }

    /// The command's words after `rawnet` (`["http", "get"]`), from the page's usage line.
    public static func command(ofPage english: String) -> [String]? {
        parse(english).flatMap(commandWords)
    }

    /// The English texts of a page that have no Korean: what stays English on the Korean page.
    /// Each is the text as the table is looked up by (an option's help without its default).
    public static func untranslated(_ english: String) -> [String] {
        guard let parts = parse(english) else { return [] }
        var missing: [String] = []
        for part in parts {
            switch part {
            case .abstract(let text):
                if KoreanHelpText.korean(normalized(text)) == nil { missing.append(text) }
            case .paragraph(let text):
                if needsTranslation(text), paragraphKorean(text) == nil { missing.append(text) }
            case .header(let text):
                if headers[text] == nil { missing.append(text) }
            case .element(_, let text):
                if !text.isEmpty, elementKorean(text) == nil { missing.append(splitDefaults(text)?.help ?? text) }
            case .elementParagraph(let text):
                if KoreanHelpText.korean(normalized(text)) == nil { missing.append(text) }
            case .usage, .seeHelp, .blank, .other:
                break
            }
        }
        return missing
    }

    /// Option and argument names of a page (`--lab`, `-c`, `<host>`), in order.
    public static func names(_ english: String) -> [String] {
        guard let parts = parse(english) else { return [] }
        var names: [String] = []
        for case .element(let label, _) in parts {
            for word in label.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "/" }) {
                let name = String(word)
                if name.hasPrefix("-") || name.hasPrefix("<") || name.hasPrefix("[") { names.append(name) }
            }
        }
        return names
    }

    // MARK: Reading the parser's page

    enum Part: Equatable {
        /// The command's abstract, after `OVERVIEW: `.
        case abstract(String)
        /// A line of the discussion: prose, or an example indented by spaces.
        case paragraph(String)
        /// A line of the usage (the first after `USAGE: `).
        case usage(String)
        /// `OPTIONS`, `ARGUMENTS`, `SUBCOMMANDS` (without the colon).
        case header(String)
        /// An option, argument or subcommand, and its help (with the parser's default, if any).
        case element(label: String, text: String)
        /// A line of an option's own discussion, under it.
        case elementParagraph(String)
        /// "See 'rawnet help <subcommand>' for detailed help.": the command in quotes.
        case seeHelp(String)
        case blank
        case other(String)
    }

    /// The parts of a help page, or nil when `text` is none (no usage line).
    static func parse(_ text: String) -> [Part]? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.contains(where: { $0.hasPrefix("USAGE: ") }) else { return nil }
        enum Place { case top, overview, usage, section }
        var place = Place.top
        var parts: [Part] = []
        var index = 0
        let column = String(repeating: " ", count: helpColumn)
        while index < lines.count {
            let line = lines[index]
            index += 1
            if line.isEmpty {
                parts.append(.blank)
                if place == .usage { place = .top }
                continue
            }
            if place != .section && line.hasPrefix("OVERVIEW: ") {
                place = .overview
                parts.append(.abstract(String(line.dropFirst("OVERVIEW: ".count))))
                continue
            }
            if line.hasPrefix("USAGE: ") {
                place = .usage
                parts.append(.usage(String(line.dropFirst("USAGE: ".count))))
                continue
            }
            if place == .overview {
                parts.append(.paragraph(line))
                continue
            }
            if place == .usage {
                parts.append(.usage(String(line.drop { $0 == " " })))
                continue
            }
            if line.wholeMatch(of: #/[A-Z][A-Z0-9 ]*:/#) != nil {
                place = .section
                parts.append(.header(String(line.dropLast())))
                continue
            }
            guard place == .section else {
                parts.append(.other(line))
                continue
            }
            if let match = line.wholeMatch(of: #/  See '(.+)' for detailed help\./#) {
                parts.append(.seeHelp(String(match.1)))
            } else if line.hasPrefix(column) {
                // Text whose label took the whole line above.
                let text = String(line.dropFirst(helpColumn))
                if case .element(let label, "") = parts.last {
                    parts[parts.count - 1] = .element(label: label, text: text)
                } else {
                    parts.append(.elementParagraph(String(text.drop { $0 == " " })))
                }
            } else if line.hasPrefix("        ") {
                parts.append(.elementParagraph(String(line.drop { $0 == " " })))
            } else if line.hasPrefix("  ") {
                let characters = Array(line)
                if characters.count > helpColumn, characters[helpColumn - 1] == " ", characters[helpColumn] != " " {
                    let label = String(characters[2..<helpColumn]).trimmingTrailingSpaces
                    parts.append(.element(label: label, text: String(characters[helpColumn...])))
                } else {
                    parts.append(.element(label: String(line.dropFirst(2)).trimmingTrailingSpaces, text: ""))
                }
            } else {
                parts.append(.other(line))
            }
        }
        while parts.last == .blank { parts.removeLast() }
        return parts
    }

    static func commandWords(_ parts: [Part]) -> [String]? {
        for case .usage(let usage) in parts {
            let words = usage.split(separator: " ").map(String.init)
            guard words.first == "rawnet" else { return nil }
            return Array(words.dropFirst().prefix { !$0.hasPrefix("<") && !$0.hasPrefix("[") && !$0.hasPrefix("-") && !$0.hasPrefix("(") })
        }
        return nil
    }

    // MARK: Writing the Korean page

    static let headers: [String: String] = [
        "OVERVIEW": "개요",
        "USAGE": "사용법",
        "ARGUMENTS": "인자",
        "OPTIONS": "옵션",
        "SUBCOMMANDS": "하위 명령",
    ]

    static func render(_ parts: [Part], width: Int) -> String {
        var lines: [String] = []
        var usageStarted = false
        for part in parts {
            switch part {
            case .blank:
                lines.append("")
            case .abstract(let text):
                let korean = KoreanHelpText.korean(normalized(text)) ?? text
                lines += wrap(headers["OVERVIEW"]! + ": " + korean, width: width)
            case .paragraph(let text):
                lines += paragraph(text, width: width)
            case .usage(let usage):
                let prefix = headers["USAGE"]! + ": "
                let indent = String(repeating: " ", count: DisplayWidth.of(prefix))
                lines += usageLines(usage, width: width, first: usageStarted ? indent : prefix, continuation: indent)
                usageStarted = true
            case .header(let header):
                lines.append((headers[header] ?? header) + ":")
            case .element(let label, let text):
                lines += element(label: label, text: text.isEmpty ? "" : elementKorean(text) ?? text, width: width)
            case .elementParagraph(let text):
                let korean = KoreanHelpText.korean(normalized(text)) ?? text
                lines += wrap(korean, width: width, indent: "        ")
            case .seeHelp(let command):
                lines += DisplayWidth.wrap("  하위 명령의 자세한 도움말: '\(command)'", width: width, continuation: "    ")
            case .other(let line):
                lines += DisplayWidth.wrap(line, width: width)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A line of the overview: prose is translated and wrapped at the margin; an example
    /// (indented) stays as written, its note after `#` or in parentheses translated when
    /// the table has the line, and goes on over an indented line only when it does not fit.
    static func paragraph(_ text: String, width: Int) -> [String] {
        let line = paragraphKorean(text) ?? text
        guard text.hasPrefix(" ") else { return wrap(line, width: width) }
        let indent = String(line.prefix { $0 == " " })
        return DisplayWidth.of(line) <= width ? [line] : DisplayWidth.wrap(line, width: width, continuation: indent + "    ")
    }

    /// The Korean of a line of the overview: an example is looked up as written (its spaces
    /// align the notes), prose with runs of spaces as one.
    static func paragraphKorean(_ text: String) -> String? {
        KoreanHelpText.korean(text.hasPrefix(" ") ? text : normalized(text))
    }

    /// Whether a line of the overview must have Korean: prose, or an example with a note.
    static func needsTranslation(_ line: String) -> Bool {
        guard line.hasPrefix(" ") else { return true }
        return line.firstMatch(of: #/\S {3,}[#(]/#) != nil
    }

    /// An option's lines: the label, and the help from `helpColumn` on (under the label when
    /// the label reaches that column). Below 60 columns the help goes under every label, indented 8.
    static func element(label: String, text: String, width: Int) -> [String] {
        let padded = "  " + label
        guard !text.isEmpty else { return [padded] }
        let column = width >= 60 ? helpColumn : 8
        let indent = String(repeating: " ", count: column)
        if column == helpColumn && DisplayWidth.of(padded) < column {
            return wrap(text, width: width, indent: DisplayWidth.rightPad(padded, column), continuation: indent)
        }
        return [padded] + wrap(text, width: width, indent: indent)
    }

    /// `DisplayWidth.wrap`, keeping a short quoted example (`'tcp and seq 27'`, `` `ip neigh flush all` ``)
    /// on one line, so it can be read and copied whole, and a default with its value (`(기본값: 2.0)`).
    static func wrap(_ text: String, width: Int, indent: String = "", continuation: String? = nil) -> [String] {
        let joiner: Character = "\u{E000}"   // one column wide, like the space it stands for
        var text = text
        for match in text.matches(of: #/'[^'\s][^']*'|`[^`]+`|\(기본값[^()]*\)/#).reversed() {
            let before = match.range.lowerBound == text.startIndex ? " " : text[text.index(before: match.range.lowerBound)]
            guard before == " ", match.output.contains(" "), DisplayWidth.of(match.output) <= 30 else { continue }
            text.replaceSubrange(match.range, with: match.output.replacing(" ", with: String(joiner)))
        }
        return DisplayWidth.wrap(text, width: width, indent: indent, continuation: continuation)
            .map { $0.replacing(String(joiner), with: " ") }
    }

    /// A usage line broken only between its parts: a bracketed group (`[--lab <lab>]`,
    /// `(--listen <port> | --connect <dest:port>)`) stays whole.
    static func usageLines(_ usage: String, width: Int, first: String, continuation: String) -> [String] {
        var groups: [String] = []
        var current = ""
        var depth = 0
        for character in usage {
            if character == " " && depth == 0 {
                if !current.isEmpty { groups.append(current) }
                current = ""
                continue
            }
            if "[(<".contains(character) { depth += 1 }
            if "])>".contains(character) { depth = max(depth - 1, 0) }
            current.append(character)
        }
        if !current.isEmpty { groups.append(current) }
        // A group wider than a line on its own is broken at its spaces after all.
        let room = width - DisplayWidth.of(continuation)
        groups = groups.flatMap { group in
            DisplayWidth.of(group) <= room ? [group] : group.split(separator: " ").map(String.init)
        }
        var lines: [String] = []
        var line = first
        var hasGroup = false
        for group in groups {
            if hasGroup && DisplayWidth.of(line) + 1 + DisplayWidth.of(group) > width {
                lines.append(line)
                line = continuation
                hasGroup = false
            }
            line += (hasGroup ? " " : "") + group
            hasGroup = true
        }
        lines.append(line)
        return lines
    }

    // MARK: Translating an option's help

    /// The parser's note after an option's help: its values, its default.
    struct Defaults {
        var help: String
        var values: String?
        var defaultValue: String?
        var asFlag = false

        var korean: String {
            var inside: [String] = []
            if let values { inside.append("값: \(values)") }
            if let defaultValue { inside.append((asFlag ? "값 없이 줄 때: " : "기본값: ") + defaultValue) }
            return "(" + inside.joined(separator: "; ") + ")"
        }
    }

    /// `help` and the parser's `(default: 4)`, `(values: a, b; default: a)` or
    /// `(default as flag: x)` after it; nil when the text ends in no such note.
    static func splitDefaults(_ text: String) -> Defaults? {
        guard text.hasSuffix(")") else { return nil }
        for marker in ["(values: ", "(default as flag: ", "(default: "] {
            guard let range = text.ranges(of: marker).last else { continue }
            let before = text[..<range.lowerBound]
            guard before.isEmpty || before.hasSuffix(" ") else { continue }
            let inside = String(text[range.upperBound..<text.index(before: text.endIndex)])
            var defaults = Defaults(help: String(before.dropLast(before.isEmpty ? 0 : 1)))
            switch marker {
            case "(values: ":
                if let split = inside.firstRange(of: "; default as flag: ") {
                    defaults.values = String(inside[..<split.lowerBound])
                    defaults.defaultValue = String(inside[split.upperBound...])
                    defaults.asFlag = true
                } else if let split = inside.firstRange(of: "; default: ") {
                    defaults.values = String(inside[..<split.lowerBound])
                    defaults.defaultValue = String(inside[split.upperBound...])
                } else {
                    defaults.values = inside
                }
            case "(default as flag: ":
                defaults.defaultValue = inside
                defaults.asFlag = true
            default:
                defaults.defaultValue = inside
            }
            return defaults
        }
        return nil
    }

    /// The Korean of an option's or a subcommand's help, with the parser's default after it.
    static func elementKorean(_ text: String) -> String? {
        if let korean = KoreanHelpText.korean(normalized(text)) { return korean }
        guard let defaults = splitDefaults(text) else { return nil }
        if defaults.help.isEmpty { return defaults.korean }
        guard let korean = KoreanHelpText.korean(normalized(defaults.help)) else { return nil }
        return korean + " " + defaults.korean
    }

    /// Runs of spaces as one (a paragraph continued over an indented source line keeps them).
    static func normalized(_ text: String) -> String {
        guard text.contains("  ") else { return text }
        return text.replacing(#/ {2,}/#, with: " ")
    }
}

extension String {
    fileprivate var trimmingTrailingSpaces: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
