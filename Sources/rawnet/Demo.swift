import ArgumentParser
import RawNetPlatform
import RawNetTour

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "A guided tour of RawNet: every idea (layers, IP, UDP, ports, TCP, TTL, routes) shown on a live lab.", usage: "rawnet demo [<options>]",
        discussion: """
            Starts its own lab 'tour' (three routers in a triangle, two switches, eight hosts: alice, \
            bob with a web server, carol, dave, and the DNS servers rec, root, tld and ns1), runs one scene per \
            idea, prints the commands to do each by hand and the evidence from the trace, then stops \
            the lab. Exits non-zero when a scene's evidence is missing.
            """)

    @Option(name: .long, help: ArgumentHelp("Language of the narration: en or ko (default: RAWNET_LANG, else ko under a Korean locale such as LANG=ko_KR.UTF-8, else en).", valueName: "en|ko"))
    var lang: String?
    @Flag(name: .long, help: "Wait for Enter between scenes.") var step = false
    @Flag(name: .long, help: "Open a tmux layout (trace, two chats, status) on the lab and leave it running.") var tmux = false
    @Flag(name: .long, help: "Leave the lab running at the end.") var keep = false
    @Option(name: .long, help: "Also write every frame of the tour to this pcapng file.") var capture: String?
    @Option(name: .long, help: "Only these scenes, comma-separated, by number (1-\(DemoScene.allCases.count), as the tour numbers them), a range of numbers (9-17) or name (\(DemoScene.allCases.map(\.name).joined(separator: ", "))).")
    var scenes: String?

    func validate() throws {
        // Usage errors (exit 64) that name what is allowed and suggest the nearest (`kr` → ko).
        do {
            if let lang { _ = try DemoLanguage.parse(lang) }
            for name in sceneNames { _ = try DemoScene.parse(name) }
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The scenes as typed: by the number the tour shows them under ("3" of "3/17"), a range of
    /// numbers ("9-17") or by name.
    var sceneNames: [String] {
        scenes.map { $0.split(separator: ",").flatMap { DemoScene.expandingRange($0.trimmingCharacters()) } } ?? []
    }

    func run() throws {
        guard let executable = Processes.currentExecutablePath() else {
            throw Failure("cannot find the rawnet executable (/proc/self/exe)")
        }
        // Output into a closed pipe (`rawnet demo | head`) must not kill the tour before it stops its lab.
        EventLoop.ignoreBrokenPipeSignal()
        var options = DemoOptions(executable: executable)
        // validate() refused any other name; without one, the environment's language (LanguageOption).
        options.language = lang.flatMap { try? DemoLanguage.parse($0) }
            ?? (LanguageOption.fromEnvironment(LanguageOption.environment) == .ko ? .ko : .en)
        options.isStepping = step
        options.keepsLab = keep || tmux
        options.capturePath = capture
        options.usesColour = Terminal.prefersColour
        options.scenes = sceneNames.compactMap(DemoScene.named)
        let demo: Demo
        do { demo = try Demo(options: options) { print($0); Terminal.flushStandardOutput() } } catch { throw Failure("\(error)") }
        let passed: Bool
        do { passed = try demo.run() } catch let failure as DemoFailure where failure.isInterruption {
            throw ExitCode(130)
        } catch { throw Failure("\(error)") }
        if tmux { try DemoTmux.open(executable: executable) }
        if !passed { throw ExitCode(1) }
    }
}

extension Substring {
    func trimmingCharacters() -> String { String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
}
