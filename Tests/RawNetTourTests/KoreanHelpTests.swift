import Foundation
import RawNetTestSupport
import RawNetView
import Testing

/// The help pages in Korean (`KoreanHelp`), checked on the real pages: each learner command's
/// English page is read from the built `rawnet` as the parser prints it unwrapped, so a new
/// command, option or paragraph without Korean fails here by name.
@Suite(.serialized) struct KoreanHelpTests {
    /// One command's English page, unwrapped.
    struct EnglishPage: Sendable {
        var words: [String]
        var text: String
        var name: String { (["rawnet"] + words).joined(separator: " ") }
    }

    /// The root page and every command and subcommand it leads to (from the SUBCOMMANDS
    /// lists), but those whose pages stay English.
    static let learnerPages: Result<[EnglishPage], any Error> = Result(catching: {
        let runner = try RawNetRunner()
        let commands = [[]] + (try HelpExampleTests.commandPaths(runner))
        return try commands
            .filter { words in words.first.map { !KoreanHelp.englishOnlyCommands.contains($0) } ?? true }
            .map { EnglishPage(words: $0, text: try HelpExampleTests.help(runner, $0, columns: KoreanHelp.unwrappedColumns)) }
    })

    static func pages() throws -> [EnglishPage] { try learnerPages.get() }

    /// `text` with every run of spaces and line breaks as one space: wrapped text, compared.
    static func flat(_ text: some StringProtocol) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    }

    /// The learner's commands each have a page here, the nested ones too.
    @Test func everyLearnerCommand_isReached() throws {
        let reached = Set(try Self.pages().map(\.words))
        let learner = ["up", "down", "stop", "start", "status", "ping", "traceroute", "routes", "arp", "macs", "stp", "link", "rip",
                       "impair", "sockets", "chat", "nc", "http", "dns", "dig", "trace", "capture", "ladder", "plot", "web", "demo",
                       "attach", "exec"].map { [$0] } + [[], ["http", "serve"], ["http", "get"], ["dns", "serve"]]
        for words in learner {
            #expect(reached.contains(words), "rawnet \(words.joined(separator: " ")) has no Korean page")
        }
        #expect(!reached.contains(["router"]) && !reached.contains(["bench"]), "the daemons' and bench's pages stay English")
    }

    /// Every abstract, paragraph and option's help of every learner page has Korean.
    @Test func everyAbstractAndOption_hasKorean() throws {
        for page in try Self.pages() {
            let missing = KoreanHelp.untranslated(page.text)
            #expect(missing.isEmpty, "\(page.name) --help: no Korean (KoreanHelpText.table) for:\n\(missing.joined(separator: "\n"))")
        }
    }

    /// The parser's headers and its pointer to the subcommands' help are Korean, and none is left in English.
    @Test func headers_areKorean() throws {
        for page in try Self.pages() {
            let korean = try #require(KoreanHelp.page(page.text, width: 80), "\(page.name)")
            let lines = korean.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.contains { $0.hasPrefix("사용법: rawnet") }, "\(page.name): \(korean)")
            #expect(lines.contains("옵션:"), "\(page.name): \(korean)")
            if page.text.hasPrefix("OVERVIEW: ") { #expect(korean.hasPrefix("개요: "), "\(page.name): \(korean)") }
            if page.text.contains("\nARGUMENTS:\n") { #expect(lines.contains("인자:"), "\(page.name): \(korean)") }
            if page.text.contains("\nSUBCOMMANDS:\n") {
                #expect(lines.contains("하위 명령:"), "\(page.name): \(korean)")
                #expect(korean.contains("  하위 명령의 자세한 도움말: '\(page.name.replacing("rawnet", with: "rawnet help")) <subcommand>'"),
                        "\(page.name): \(korean)")
            }
            let english = lines.filter {
                $0.wholeMatch(of: #/[A-Z][A-Z ]*:/#) != nil || $0.hasPrefix("OVERVIEW: ") || $0.hasPrefix("USAGE: ") || $0.contains("for detailed help")
            }
            #expect(english.isEmpty, "\(page.name): English headers left: \(english)")
        }
    }

    /// At 80 columns no line is wider than 80 (a Hangul syllable counts two); nor at 60 or 100.
    @Test func lines_fitTheWidth() throws {
        for page in try Self.pages() {
            for width in [80, 60, 100] {
                let korean = try #require(KoreanHelp.page(page.text, width: width))
                let wide = korean.split(separator: "\n").filter { DisplayWidth.of($0) > width }
                #expect(wide.isEmpty, "\(page.name) at \(width) columns: \(wide)")
            }
        }
    }

    /// A page keeps its option and argument names, its usage, the parser's defaults (as 기본값)
    /// and its example command lines as they are.
    @Test func aPage_keepsItsNames_usage_defaults_andExamples() throws {
        for page in try Self.pages() {
            let korean = try #require(KoreanHelp.page(page.text, width: 80))
            let flat = Self.flat(korean)
            let names = KoreanHelp.names(page.text)
            #expect(!names.isEmpty, "\(page.name): no option found in the English page")
            for name in names {
                #expect(flat.contains(name), "\(page.name): \(name) is missing from:\n\(korean)")
            }
            let englishLines = page.text.split(separator: "\n", omittingEmptySubsequences: false)
            if let usage = englishLines.first(where: { $0.hasPrefix("USAGE: ") }) {
                #expect(flat.contains("사용법: " + Self.flat(usage.dropFirst("USAGE: ".count))), "\(page.name): \(korean)")
            }
            for match in page.text.matches(of: #/\(default: ([^()]+)\)$/#.anchorsMatchLineEndings()) {
                #expect(flat.contains("(기본값: \(Self.flat(match.1)))"), "\(page.name): (default: \(match.1)) is missing from:\n\(korean)")
            }
            #expect(!korean.contains("(default"), "\(page.name): \(korean)")
            // Example lines (indented, before USAGE, with no note after them) are printed as written.
            let examples = englishLines.prefix { !$0.hasPrefix("USAGE: ") }
                .filter { $0.hasPrefix("  rawnet ") && $0.firstMatch(of: #/\S {3,}[#(]/#) == nil }
            let koreanLines = Set(korean.split(separator: "\n"))
            for example in examples {
                #expect(koreanLines.contains(example), "\(page.name): example changed: \(example)")
            }
        }
    }

    /// The ping page as a learner sees it at 80 columns: Korean help beside unchanged options.
    @Test func pingPage_readsInKorean() throws {
        let ping = try #require(try Self.pages().first { $0.words == ["ping"] })
        let korean = try #require(KoreanHelp.page(ping.text, width: 80))
        #expect(korean.hasPrefix("개요: 호스트에서 ICMP 에코 요청을 보냅니다. ping과 같습니다.\n"), "\(korean)")
        for line in ["사용법: rawnet ping <host> <destination> [<options>]",
                     "  <host>                  ping을 보낼 호스트입니다.",
                     "  -i <seconds>            요청 사이의 간격(초)입니다. (기본값: 1.0)",
                     "  -q                      조용히: 첫 줄과 통계만 출력합니다.",
                     "  -h, --help              도움말을 보여 줍니다."] {
            #expect(korean.split(separator: "\n").contains(Substring(line)), "'\(line)' in:\n\(korean)")
        }
    }

    /// A help text the table does not have stays English, whole, and is named; the rest of the page is still Korean.
    @Test func aTextWithoutKorean_staysEnglishWhole_andIsNamed() throws {
        let ping = try #require(try Self.pages().first { $0.words == ["ping"] })
        let changed = ping.text.replacing("Data bytes per request.", with: "Bytes of data carried by each echo request, after the ICMP header.")
        #expect(KoreanHelp.untranslated(changed) == ["Bytes of data carried by each echo request, after the ICMP header."])
        let korean = try #require(KoreanHelp.page(changed, width: 80))
        #expect(Self.flat(korean).contains("-s <bytes> Bytes of data carried by each echo request, after the ICMP header. (default: 56)"),
                "\(korean)")
        #expect(korean.contains("요청의 TTL입니다."), "\(korean)")
    }

    /// What is no help page, and the pages that stay English, get no Korean page.
    @Test func theVersion_andEnglishOnlyPages_getNone() throws {
        #expect(KoreanHelp.page("rawnet 0.1.0", width: 80) == nil)
        let runner = try RawNetRunner()
        let router = try HelpExampleTests.help(runner, ["router"], columns: KoreanHelp.unwrappedColumns)
        #expect(KoreanHelp.command(ofPage: router) == ["router"])
        #expect(KoreanHelp.page(router, width: 80) == nil)
        let serve = try HelpExampleTests.help(runner, ["http", "serve"], columns: KoreanHelp.unwrappedColumns)
        #expect(KoreanHelp.command(ofPage: serve) == ["http", "serve"])
    }
}
