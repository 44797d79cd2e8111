import ArgumentParser
import RawNetContracts
import RawNetCore
import RawNetDaemon
import RawNetLabModel
import RawNetView

/// `rawnet impair`: change, clear or show the impairments of a running lab.
///
/// Every direction of a link is the egress of exactly one interface, so each
/// change becomes one `impair` control command per direction, sent to the node
/// that owns that egress. Everything is checked first (target, values, each
/// daemon answering); only then is anything changed.
struct Impair: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add loss, delay, reordering, duplication, corruption or a rate limit to a link, like netem.",
        discussion: """
            TARGET is a link as status shows it (alice:eth0-r1:eth0, or alice-r1 when only one link \
            joins the two nodes) or an interface NODE:IF.
            Direction: for NODE:IF, out (default) is frames leaving the interface, in is frames \
            coming to it (the peer's egress), both is both. For a link, both is the default; out \
            and in are relative to the end written first.
            Options given change only those settings and keep the others; --clear alone returns \
            to a perfect wire; --clear with options starts from a perfect wire. --seed N restarts \
            the random choices from N, so the same traffic meets the same fates again.
            --drop-next FILTER drops the next frame (--count N: the next N) that the trace \
            filter picks; --corrupt-next flips one bit at the end of its IP packet instead. \
            In FILTER, seq N is relative, as the ladder shows it, when the rule saw the \
            connection's SYN leave. A new rule replaces the old; --clear removes rules.
            Values use tc's units: 20% or 0.2, 50ms, 2mbit, 1500kbit.
            Examples:
              rawnet impair alice-r1 --loss 30% --direction out
              rawnet impair r1:eth1 --delay 50ms --jitter 5ms \\
                  --distribution normal --direction both
              rawnet impair alice-r1 --loss-burst 1%,30%,100%,0% --seed 7
              rawnet impair alice-r1 --direction out --drop-next 'tcp and seq 27'
              rawnet impair alice-r1 --direction out \\
                  --corrupt-next 'udp and port 7000' --count 2
              rawnet impair alice-r1 --clear
              rawnet impair --show
            """)

    @Argument(help: "A link (alice:eth0-r1:eth0 or alice-r1) or an interface (NODE:IF).")
    var target: String?
    /// Words after the target (`loss 20%` for `--loss 20%`): refused with the spelling meant.
    @Argument(help: .hidden) var extra: [String] = []

    @Option(parsing: .unconditional, help: "Random loss, e.g. 20%.") var loss: String?
    @Option(name: .customLong("loss-burst"), parsing: .unconditional, help: "Gilbert–Elliott loss P,R,1-H,1-K, e.g. 1%,30%,100%,0%.")
    var lossBurst: String?
    @Option(parsing: .unconditional, help: "Share of frames sent ahead of earlier ones, e.g. 10%.") var reorder: String?
    @Option(parsing: .unconditional, help: "Reorder gap N: after a reordered frame, the next N-1 are never reordered.") var gap: String?
    @Option(name: .customLong("hold-back"), parsing: .unconditional, help: "Hold a reordered frame until N later frames left.")
    var holdBack: String?
    @Option(parsing: .unconditional, help: "One-way delay, e.g. 20ms.") var delay: String?
    @Option(parsing: .unconditional, help: "Jitter around the delay, e.g. 5ms.") var jitter: String?
    @Option(help: "Jitter shape: uniform or normal.") var distribution: String?
    @Option(parsing: .unconditional, help: "Share of frames sent twice, e.g. 1%.") var duplicate: String?
    @Option(parsing: .unconditional, help: "Share of frames with one bit flipped, e.g. 1%.") var corrupt: String?
    @Option(parsing: .unconditional, help: "Line rate, e.g. 2mbit.") var rate: String?
    @Option(parsing: .unconditional, help: "Most frames the impairment holds (netem's limit), e.g. 100.") var queue: String?
    @Option(parsing: .unconditional, help: "Seed for every random choice.") var seed: String?
    @Option(name: .customLong("drop-next"), help: "Drop the next frame this trace filter picks, e.g. 'tcp and seq 27'.")
    var dropNext: String?
    @Option(name: .customLong("corrupt-next"), help: "Flip one bit at the end of the next frame this filter picks.")
    var corruptNext: String?
    @Option(help: "How many frames --drop-next or --corrupt-next acts on (default 1).") var count: Int?
    @Option(help: "out, in or both (default: out for NODE:IF, both for a link; see the overview above).") var direction: String?
    @Flag(help: "Back to a perfect wire (with options: start from one).") var clear = false
    @Flag(help: "Show every link direction's settings and counters (or TARGET's only).") var show = false
    @OptionGroup var labOption: LabOption
    @OptionGroup var width: WidthOption
    @OptionGroup var languageOption: LanguageOption

    /// The settings given, as `rawnet web` gives them too: checked and applied by `ImpairChange`.
    var change: ImpairChange {
        let given: [String: String?] = [
            "loss": loss, "gemodel": lossBurst, "reorder": reorder, "gap": gap, "hold-back": holdBack,
            "delay": delay, "jitter": jitter, "distribution": distribution, "duplicate": duplicate,
            "corrupt": corrupt, "rate": rate, "queue": queue, "seed": seed,
        ]
        return ImpairChange(options: given.compactMapValues { $0 }, clear: clear)
    }

    var givenOptions: [(String, String)] { change.options }

    func validate() throws {
        if let direction, ImpairDirection(rawValue: direction.lowercased()) == nil {
            throw ValidationError("--direction must be out, in or both, not '\(direction)'")
        }
        if count != nil, dropNext == nil, corruptNext == nil {
            throw ValidationError("--count goes with --drop-next or --corrupt-next")
        }
        if let count, !(1...1000).contains(count) { throw ValidationError("--count must be from 1 to 1000") }
        for (flag, text) in givenRules {
            do { _ = try TraceFilter(parsing: text) } catch { throw ValidationError("--\(flag) '\(text)': \(error)") }
        }
        if show {
            guard givenOptions.isEmpty, givenRules.isEmpty, !clear else { throw ValidationError("--show changes nothing: give it no settings and no --clear") }
        } else if target == nil {
            throw ValidationError("name a link or NODE:IF to impair, or use --show")
        }
        // Each value on its own, then all together: a bad one is refused before anything changes.
        do { try change.validate() } catch {
            throw ValidationError(languageOption.language == .ko ? KoreanRefusals.impairment(error.description) ?? error.description
                                  : error.description)
        }
        // Last: a bad value given as an option names itself first.
        if let word = extra.first {
            let option = word.lowercased()
            if Self.settingNames.contains(option) {
                let value = extra.dropFirst().first.map { " " + $0 } ?? " VALUE"
                throw ValidationError("settings are options: write `rawnet impair \(target ?? "TARGET") --\(option)\(value)`")
            }
            throw ValidationError("unexpected \(extra.map { "'\($0)'" }.joined(separator: " ")) after the target (see `rawnet impair --help`)")
        }
    }

    /// The setting options by name, for a setting written without its dashes.
    static let settingNames: Set<String> = [
        "loss", "loss-burst", "reorder", "gap", "hold-back", "delay", "jitter", "distribution", "duplicate", "corrupt",
        "rate", "queue", "seed", "direction", "clear", "show", "drop-next", "corrupt-next", "count",
    ]

    /// The one-shot rules given, as (control action, filter text).
    var givenRules: [(String, String)] {
        [(ImpairmentRule.Action.drop.rawValue, dropNext), (ImpairmentRule.Action.corrupt.rawValue, corruptNext)]
            .compactMap { action, text in text.map { (action, $0) } }
    }

    func run() throws {
        let located = try labOption.locate()
        let topology = try located.topology()
        let chosen = direction.flatMap { ImpairDirection(rawValue: $0.lowercased()) }
        let directions: [LinkDirection]
        if let target {
            do { directions = try topology.impairDirections(target: target, direction: chosen) } catch {
                throw UsageFailure("\(error)")
            }
        } else {
            directions = topology.linkDirections
        }
        if show || (givenOptions.isEmpty && givenRules.isEmpty && !clear) {
            try ImpairTable(located: located, directions: directions, language: languageOption.language)
                .print(all: target == nil, columns: width.columns)
            return
        }
        // Check every daemon answers and accepts the result before changing any.
        let changed: [(LinkDirection, ImpairAnswer)]
        do { changed = try change.apply(located, directions) } catch {
            throw Failure(languageOption.language == .ko ? KoreanRefusals.impairment(error.description) ?? error.description
                          : error.description)
        }
        for (direction, answer) in changed {
            let settings = languageOption.language == .ko ? KoreanViews.impairmentSettings(answer.settings) : answer.settings
            let line = "\(direction): \(settings)"
            for part in width.columns.map({ DisplayWidth.wrap(line, width: $0, continuation: "    ") }) ?? [line] { print(part) }
        }
        let korean = languageOption.language == .ko
        if let rate, rate.lowercased().hasSuffix("bps") {
            // tc reads "bps" as bytes: 2mbps is 16 megabits a second, which surprises.
            print(korean ? "참고: tc에서처럼 \(rate)는 초당 바이트 수입니다 (비트로 주려면 mbit, kbit, bit로 쓰세요)"
                         : "note: as in tc, \(rate) counts bytes per second (bits: write mbit, kbit or bit)")
        }
        if reorder != nil, let settings = changed.first?.1.settings, settings.contains("reorder"), !settings.contains("delay") {
            // Without a delay a reordered frame waits for a later one to pass it: with little traffic, long.
            print(korean
                  ? "참고: 순서가 바뀔 프레임은 뒤의 프레임이 앞질러 나갈 때까지 기다립니다 (최대 보류 시간, 따로 정하지 않으면"
                    + " 1초): 트래픽이 적으면 (채팅, ping) 오래 기다리고 TCP가 먼저 재전송할 수 있습니다; 기다림 없이 순서를"
                    + " 바꾸려면 --delay 20ms를 더하세요"
                  : "note: a reordered frame waits until a later frame passes it (at most the hold-back time, 1 s unless"
                    + " set): with little traffic (a chat, a ping) that is long, and TCP may resend it first; add --delay"
                    + " 20ms to reorder without that wait")
        }
        try addRules(located, directions)
    }

    /// Sends each rule given to every direction and prints the rules each now has.
    private func addRules(_ located: LabLocator.Located, _ directions: [LinkDirection]) throws {
        guard !givenRules.isEmpty else { return }
        for direction in directions {
            var answer: ImpairAnswer?
            for (action, text) in givenRules {
                var args = ["action": action, "filter": text]
                if let count { args["count"] = String(count) }
                answer = try Self.answer(located, direction, args)
            }
            for rule in answer?.rules ?? [] { print("\(direction): \(rule.description)") }
        }
        if givenRules.contains(where: { Self.namesSequence($0.1) }) {
            // A rule learns a connection's first number from its SYN: one already open is never matched by a relative number.
            print(languageOption.language == .ko
                  ? "참고: seq N은 연결의 SYN부터 센 번호입니다. 규칙은 지금부터 열리는 연결의 SYN만 보므로, 이미 열린 연결에는"
                    + " 헤더에 실린 번호를 쓰세요 (rawnet trace --absolute가 보여 줍니다)"
                  : "note: seq N counts from a connection's SYN, and the rule sees the SYN only of connections that open"
                    + " from now on: for a connection already open, give the number as on the wire (rawnet trace --absolute shows it)")
        }
    }

    /// Whether a filter's words include `seq` (a sequence number, relative once the SYN is seen).
    static func namesSequence(_ filter: String) -> Bool {
        filter.split(whereSeparator: { $0 == " " || $0 == "(" || $0 == ")" }).contains { $0.lowercased() == "seq" }
    }

    /// Sends `impair` for one direction to the node owning its egress.
    static func answer(_ located: LabLocator.Located, _ direction: LinkDirection,
                       _ extra: [String: String]) throws -> ImpairAnswer {
        do { return try ImpairChange.answer(located, direction, extra) } catch { throw Failure(error.description) }
    }
}

/// The `--show` table: one row per link direction, counters and settings.
struct ImpairTable {
    var located: LabLocator.Located
    var directions: [LinkDirection]
    var language: ViewLanguage = .en

    static let columns = ["submitted", "lost", "burst", "qfull", "asked", "dup", "corrupt", "reord", "delayed", "queued", "held"]
    /// The same columns in Korean (docs/glossary.ko.md's words).
    static let koreanColumns = ["프레임", "손실", "버스트", "큐초과", "요청", "복제", "손상", "순서", "지연", "대기", "보류"]

    /// `columns`: the width to fit (nil: whole lines).
    func print(all: Bool, columns: Int?) throws {
        let korean = language == .ko
        var rows: [[String]] = []
        var settings: [String] = []
        for direction in directions {
            let answer: ImpairAnswer
            do { answer = try Impair.answer(located, direction, ["action": "show"]) } catch {
                rows.append([direction.description] + Self.columns.map { _ in "-" })
                settings.append("(\(error))")
                continue
            }
            let c = answer.counters ?? ImpairmentCounters()
            let numbers = [c.submitted, c.droppedRandomLoss, c.droppedBurstLoss, c.droppedQueueFull, c.droppedOnRequest, c.duplicated,
                           c.corrupted, c.reordered, c.delayed, c.queued, UInt64(answer.pendingFrames ?? 0)]
            rows.append([direction.description] + numbers.map { String($0) })
            var text = answer.settings
            if korean { text = KoreanViews.impairmentSettings(text) }
            if answer.isBypassed == true { text = korean ? "(엔진 우회됨)" : "(engine bypassed)" }
            for rule in answer.rules ?? [] { text += "; \(rule.description)" }
            settings.append(text)
        }
        for text in Self.fit(rows: rows, settings: settings, columns: columns, language: language) { Swift.print(text) }
        if all, directions.isEmpty { Swift.print(korean ? "(이 실습 네트워크에는 링크가 없음)" : "(the lab has no links)") }
        // The counters outlive the settings: a count stays after its setting was cleared.
        guard !directions.isEmpty else { return }
        let footer = korean
            ? "(프레임: 장애 설정을 거친 프레임 수. 수는 각 노드가 시작된 뒤부터 셈; 보류와 설정은 지금 상태)"
            : "(counts since each node started; held and settings: as they are now)"
        for line in columns.map({ DisplayWidth.wrap(footer, width: $0, continuation: " ") }) ?? [footer] { Swift.print(line) }
    }

    /// The table's lines within `columns`: whole when it fits; else without
    /// the counter columns that are 0 in every row (named in a last line),
    /// and with each row's settings on a line of their own when still too wide.
    static func fit(rows: [[String]], settings: [String], columns: Int?, language: ViewLanguage = .en) -> [String] {
        let korean = language == .ko
        let header = [korean ? "방향" : "direction"] + (korean ? Self.koreanColumns : Self.columns)
        let width = { (text: String) in DisplayWidth.of(text) }
        func table(_ kept: [Int], settingsBelow: Bool) -> [String] {
            var widths = kept.map { width(header[$0]) }
            for row in rows { for (k, i) in kept.enumerated() { widths[k] = max(widths[k], width(row[i])) } }
            func line(_ cells: [String]) -> String {
                var text = cells[kept[0]] + String(repeating: " ", count: max(0, widths[0] - width(cells[kept[0]])))
                for (k, i) in kept.enumerated().dropFirst() {
                    text += "  " + String(repeating: " ", count: max(0, widths[k] - width(cells[i]))) + cells[i]
                }
                return text
            }
            var lines = [line(header) + (settingsBelow ? "" : korean ? "  설정" : "  settings")]
            for (row, text) in zip(rows, settings) {
                if settingsBelow {
                    lines.append(line(row))
                    lines += columns.map { DisplayWidth.wrap("    " + text, width: $0, continuation: "      ") } ?? ["    " + text]
                } else {
                    lines.append(line(row) + "  " + text)
                }
            }
            return lines
        }
        // Narrower still: a block per direction, its counters as "name value" words wrapped under it.
        func blocks(_ kept: [Int], columns: Int) -> [String] {
            var lines: [String] = []
            for (row, text) in zip(rows, settings) {
                lines.append(row[0])
                let counts = kept.dropFirst().map { "\(header[$0]) \(row[$0])".replacing(" ", with: "\u{A0}") }.joined(separator: "  ")
                lines += DisplayWidth.wrap("    " + counts, width: columns, continuation: "    ").map { $0.replacing("\u{A0}", with: " ") }
                lines += DisplayWidth.wrap("    " + text, width: columns, continuation: "      ")
            }
            return lines
        }
        let all = Array(header.indices)
        let whole = table(all, settingsBelow: false)
        guard let columns, whole.contains(where: { width($0) > columns }) else { return whole }
        // Direction, submitted and lost always stay: what was offered, and what the loss setting took.
        let shown = all.filter { i in i <= 2 || rows.contains { $0[i] != "0" } }
        var lines = table(shown, settingsBelow: false)
        if lines.contains(where: { width($0) > columns }) { lines = table(shown, settingsBelow: true) }
        if lines.contains(where: { width($0) > columns }) { lines = blocks(shown, columns: columns) }
        let left = all.filter { !shown.contains($0) }.map { header[$0] }
        if !left.isEmpty {
            let note = korean
                ? "(모든 행이 0이라 뺀 열: \(left.joined(separator: ", ")); --width 0이면 모두 보임)"
                : "(0 in every row, not shown: \(left.joined(separator: ", ")); --width 0 shows all)"
            lines += DisplayWidth.wrap(note, width: columns, continuation: " ")
        }
        return lines
    }
}
