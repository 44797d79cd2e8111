import Foundation
import RawNetPlatform
import RawNetTestSupport
@testable import RawNetTour
import Testing

/// Every command the tour tells a learner to type by hand is one `rawnet` takes: each is
/// parsed and checked by the real binary (`RAWNET_PARSE_ONLY=1`: its options and values
/// are checked as for a run, nothing is run), in both languages.
@Suite struct TourCommandsParseTests {
    /// The shell commands of a line the tour shows: its comment cut off, split at `;`.
    static func shellCommands(_ line: String) -> [String] {
        let withoutComment = line.ranges(of: "   #").first.map { String(line[..<$0.lowerBound]) } ?? line
        return withoutComment.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static var lines: [(String, String)] {
        DemoLanguage.allCases.flatMap { language in
            DemoScene.allCases.flatMap { scene in
                DemoText.scene(scene).commands.map { ("scene \(scene.number) \(language)", Demo.inLanguage($0, language)) }
            } + DemoText.tryCommands(language).map { ("what to try next, \(language)", $0) }
        }
    }

    @Test func everyCommandOfTheTour_isOneRawnetTakes() throws {
        let runner = try RawNetRunner()
        var environment = runner.environment
        environment["RAWNET_PARSE_ONLY"] = "1"
        var checked = 0
        for (place, line) in Self.lines {
            for command in Self.shellCommands(line) {
                #expect(command.contains("rawnet "), "\(place): \(command)")
                let log = runner.base + "/parse-\(checked).out"
                let pid = try Processes.spawn(executable: "/bin/sh",
                                              arguments: ["-c", command.replacing("rawnet ", with: runner.executable + " ")],
                                              logPath: log, environment: environment)
                let status = try runner.wait(pid, timeout: 30)
                let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                #expect(status == 0 && output.contains("parsed: "), "\(place): `\(command)` → \(String(describing: status)): \(output)")
                checked += 1
            }
        }
        #expect(checked >= 60, "only \(checked) commands found")
    }

    /// The scenes' comments read in the learner's language.
    @Test func commandComments_areKoreanInTheKoreanTour() {
        let korean = Demo.inLanguage("rawnet chat alice --connect bob:7000   # then Ctrl-D", .ko)
        #expect(korean == "rawnet chat --lang ko alice --connect bob:7000   # 그다음 Ctrl-D")
        // The commands that speak Korean are asked to; the others are left as they are.
        #expect(Demo.inLanguage("rawnet sockets alice -i", .ko) == "rawnet sockets --lang ko alice -i")
        #expect(Demo.inLanguage("rawnet nc alice bob 9000", .ko) == "rawnet nc alice bob 9000")
        for scene in DemoScene.allCases {
            for line in DemoText.scene(scene).commands where line.contains("   #") {
                let shown = Demo.inLanguage(line, .ko)
                let comment = shown[shown.ranges(of: "   #").first!.upperBound...]
                #expect(comment.contains { $0.unicodeScalars.first!.value >= 0xAC00 }, "scene \(scene.number): \(shown)")
            }
        }
    }
}
