import Foundation
import RawNetPlatform
import RawNetTestSupport
import RawNetView
import Testing

/// The example command lines in every command's help can be copied from an
/// 80-column terminal: the argument parser wraps the discussion at the
/// terminal's width and starts a wrapped part at the left margin, so each
/// example line (and each indented continuation after a ` \`) must fit as written.
@Suite(.serialized) struct HelpExampleTests {
    /// The widest an example line may be: the parser breaks lines that reach the width.
    static let widest = 78

    @Test func everyCommandsExampleLines_fit80Columns_andAreNotWrapped() throws {
        let runner = try RawNetRunner()
        let commands = try Self.commandPaths(runner)
        // Every command is reached, nested ones too (`http get`, `dns serve`, `bench tcp`).
        for expected in [["impair"], ["trace"], ["ladder"], ["chat"], ["http", "get"], ["dns", "serve"], ["bench", "tcp"]] {
            #expect(commands.contains(expected), "\(expected.joined(separator: " ")) among \(commands)")
        }
        var examples = 0
        for command in commands {
            let name = (["rawnet"] + command).joined(separator: " ")
            let wide = try Self.help(runner, command, columns: 200)
            let lines = Self.discussionLines(wide)
            // An example written at the left margin would be taken for prose and wrapped.
            let unindented = lines.filter { $0.hasPrefix("rawnet ") || $0.hasPrefix("$ rawnet") }
            #expect(unindented.isEmpty, "\(name) --help: example lines must be indented: \(unindented)")
            let written = lines.filter { $0.hasPrefix(" ") }
            examples += written.count
            let long = written.filter { DisplayWidth.of($0) > Self.widest }
            #expect(long.isEmpty, "\(name) --help: lines over \(Self.widest) columns (wrapped at 80): \(long)")
            // At 80 columns each one is still printed whole, on one line of its own.
            // Pasted whole, an example runs: what it says about itself follows a `#`.
            let uncommented = written.filter { line in
                guard line.contains("rawnet "), let gap = line.ranges(of: "   ").last else { return false }
                let after = line[gap.upperBound...].drop { $0 == " " }
                return !after.isEmpty && !after.hasPrefix("#") && !after.hasPrefix("(") && !after.hasPrefix("\\")
            }
            #expect(uncommented.isEmpty, "\(name) --help: a description after an example needs '#': \(uncommented)")
            let narrow = Set(Self.discussionLines(try Self.help(runner, command, columns: 80)))
            let broken = written.filter { !narrow.contains($0) }
            #expect(broken.isEmpty, "\(name) --help at 80 columns wraps: \(broken)")
        }
        #expect(examples >= 20, "the helps' indented example lines: \(examples)")
        // The usage line is never wrapped either: a command whose options would make it long says `[<options>]`.
        for command in commands {
            let usage = try Self.help(runner, command, columns: 80).split(separator: "\n").filter { $0.hasPrefix("USAGE: ") }
            #expect(usage.allSatisfy { DisplayWidth.of($0) <= 80 }, "\(command.joined(separator: " ")): \(usage)")
        }
    }

    /// The impair examples that did not fit go on over an indented line after ` \`.
    @Test func impairHelp_breaksItsLongExamples_withIndentedContinuations() throws {
        let runner = try RawNetRunner()
        let lines = Self.discussionLines(try Self.help(runner, ["impair"], columns: 80))
        for (first, second) in [
            ("  rawnet impair r1:eth1 --delay 50ms --jitter 5ms \\", "      --distribution normal --direction both"),
            ("  rawnet impair alice-r1 --direction out \\", "      --corrupt-next 'udp and port 7000' --count 2"),
        ] {
            let at = lines.firstIndex(of: first)
            #expect(at != nil && lines[at! + 1] == second, "\(first) / \(second) in:\n\(lines.joined(separator: "\n"))")
        }
        let trace = Self.discussionLines(try Self.help(runner, ["trace"], columns: 80))
        #expect(trace.contains("  rawnet trace --save run.jsonl --duration 10   # for ladder, plot, capture"), "\(trace)")
        let ladder = Self.discussionLines(try Self.help(runner, ["ladder"], columns: 80))
        #expect(ladder.contains("  rawnet trace --save run.jsonl --duration 20"), "\(ladder)")
    }

    /// `rawnet WORDS --help` printed for a terminal `columns` wide.
    static func help(_ runner: RawNetRunner, _ words: [String], columns: Int) throws -> String {
        var environment = runner.environment
        environment["COLUMNS"] = "\(columns)"
        let output = runner.base + "/help-\(UUID().uuidString.prefix(8)).out"
        let pid = try Processes.spawn(executable: runner.executable, arguments: words + ["--help"],
                                      logPath: output, environment: environment)
        let status = try runner.wait(pid, timeout: 30)
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        guard status == 0 else { throw TestFailure("rawnet \(words.joined(separator: " ")) --help exited \(String(describing: status)): \(text)") }
        return text
    }

    /// The overview and discussion: the lines before USAGE.
    static func discussionLines(_ help: String) -> [String] {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return Array(lines.prefix { !$0.hasPrefix("USAGE:") })
    }

    /// Every command and subcommand, as its words after `rawnet`, from the SUBCOMMANDS lists.
    static func commandPaths(_ runner: RawNetRunner) throws -> [[String]] {
        var found: [[String]] = []
        var pending: [[String]] = [[]]
        while let command = pending.popLast() {
            if !command.isEmpty { found.append(command) }
            let help = try help(runner, command, columns: 200)
            let lines = help.split(separator: "\n").map(String.init)
            guard let start = lines.firstIndex(of: "SUBCOMMANDS:") else { continue }
            for line in lines[(start + 1)...] where line.hasPrefix("  ") && !line.hasPrefix("   ") {
                let name = line.dropFirst(2).prefix { $0 != " " && $0 != "," }
                if line.contains("See '") || name.isEmpty { continue }
                pending.append(command + [String(name)])
            }
        }
        return found
    }
}
