import RawNetContracts
import RawNetCore
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import RawNetSocket
import RawNetView
import RawNetWatch
import RawNetWire

/// How `rawnet demo` runs.
public struct DemoOptions: Sendable {
    public var language: DemoLanguage = .en
    /// Wait for Enter between scenes.
    public var isStepping = false
    /// Leave the lab running at the end.
    public var keepsLab = false
    /// Write every frame of the tour to pcapng files named after this one, a file per link.
    public var capturePath: String?
    /// Colour in the output.
    public var usesColour = false
    /// Only these scenes (all when empty).
    public var scenes: [DemoScene] = []
    /// The `rawnet` executable (it runs the daemons).
    public var executable: String
    /// Base folder for run directories (nil: the usual one).
    public var base: String?

    public init(executable: String) { self.executable = executable }
}

/// The guided tour: starts the tour lab, runs each scene (narration, the commands
/// to type by hand, evidence from the trace and the apps), checks that every
/// scene's evidence appeared, and stops the lab.
public final class Demo {
    let options: DemoOptions
    let output: (String) -> Void
    var painter: TextPainter
    var stream: TraceStream!
    var runDirectory = ""
    var hops: HopFilter
    /// The tour lab's topology (which places a `rawnet trace TARGET` watches).
    let topology: Topology
    /// Where the tour's capture records: one point per link (every tour node is watched).
    let capturePoints: CapturePoints
    /// Every event of the tour, in time order.
    var allEvents: [TraceEvent] = []
    /// Scenes whose evidence was missing, with what was missing.
    public private(set) var failures: [(scene: DemoScene, missing: String)] = []
    var currentScene: DemoScene = .encapsulation
    var sceneStart: Int64 = 0
    /// Set by Ctrl-C: the tour stops after the current step and cleans up.
    var interrupted = false

    public init(options: DemoOptions, output: @escaping (String) -> Void) throws {
        self.options = options
        self.output = output
        painter = TextPainter(usesColour: options.usesColour)
        let topology = try TopologyLoader.parse(yaml: DemoLab.yaml, file: "built-in tour lab")
        self.topology = topology
        hops = HopFilter(topology: topology)
        capturePoints = CapturePoints(topology: topology, watched: Set(topology.nodes.map(\.name)))
    }

    /// Runs the tour; returns true when every scene showed its evidence.
    public func run() throws -> Bool {
        let language = options.language
        say(painter.paint("RawNet — " + (language == .ko ? "둘러보기" : "a guided tour"), .heading))
        say(wrap(DemoText.intro.text(language)))
        if !options.isStepping { say(painter.paint(wrap(DemoText.pace.text(language)), .time)) }
        say("")
        say(DemoText.labLine.text(language) + " '\(DemoLab.name)':")
        say(DemoLab.picture)
        let start = try DemoLab.start(executable: options.executable, base: options.base)
        runDirectory = start.runDirectory
        if case .reused = start { say(DemoText.reusingLab.text(language)) }
        // With other labs up, a bare `rawnet status` would ask which: say once how to point the shell at this one.
        let others = RunDirectory.listLabs(base: options.base).filter { $0 != DemoLab.name }
        let hint = others.isEmpty ? DemoText.labHint.text(language) : DemoText.otherLabs(others, language)
        say(painter.paint(wrap(hint, indent: ""), .time))
        defer { finish(start) }
        do {
            stream = try TraceStream(runDirectory: runDirectory, nodes: ["alice", "bob", "carol", "dave", "r1", "r2", "r3", "sw1",
                                                                   "rec", "root", "tld", "ns1", "sw2"])
            try stream.stopOnInterrupt()
        } catch {
            throw DemoFailure("\(error)")
        }
        try warmUp()
        let scenes = options.scenes.isEmpty ? DemoScene.allCases : options.scenes
        for (index, scene) in scenes.enumerated() {
            // Numbered as the whole tour numbers it, so `--scenes 4` shows 4/17, as the help promises.
            try play(scene, number: scene.number, of: DemoScene.allCases.count)
            if interrupted { throw DemoFailure.interrupted }
            if options.isStepping && index < scenes.count - 1 {
                say(painter.paint("⏎ " + DemoText.pressEnter.text(language), .time))
                waitForEnter()
                if interrupted { throw DemoFailure.interrupted }
            }
        }
        say("")
        let labStays: Bool
        if case .reused = start { labStays = true } else { labStays = options.keepsLab }
        say(painter.paint(wrap((labStays ? DemoText.outroKept : DemoText.outro).text(language), indent: ""), .heading))
        for command in DemoText.tryCommands(language) { say("  $ " + command) }
        if !Self.rawnetIsOnPath {
            // Started as `swift run rawnet demo`: the commands above need rawnet on the PATH.
            let directory = String(options.executable.split(separator: "/", omittingEmptySubsequences: false)
                .dropLast().joined(separator: "/"))
            say(painter.paint(wrap(DemoText.notOnPath.text(language), indent: ""), .time))
            say("  $ export PATH=\"\(Self.shellPath(directory, from: ProcessEnvironment.value("PWD"))):$PATH\"")
        }
        say("")
        if failures.isEmpty {
            say(painter.paint("✓ " + DemoText.allPassed.text(language), .outgoing))
        } else {
            let list = failures.map { "\($0.scene.name) (\($0.missing))" }.joined(separator: "; ")
            say(painter.paint(wrap("✗ " + DemoText.someFailed.text(language) + ": " + list, indent: ""), .dropped))
        }
        return failures.isEmpty
    }

    private func finish(_ start: DemoLab.Start) {
        stream?.close()
        if let path = options.capturePath {
            do {
                let capture = try PerLinkCapture(points: capturePoints, beside: path)
                for event in allEvents { capture.add(event) }
                try capture.flush()
                say(wrap(DemoText.captured(capture.packetCount, capture.files.map(\.file.path)).text(options.language),
                         indent: ""))
            } catch {
                say(DemoText.captureFailed(path, "\(error)").text(options.language))
            }
        }
        if case .started = start, !options.keepsLab {
            DemoLab.stop(executable: options.executable, base: options.base)
            say(DemoText.labStopped.text(options.language))
        } else {
            say(DemoText.labKept.text(options.language))
        }
    }

    // MARK: Scenes

    private func play(_ scene: DemoScene, number: Int, of total: Int) throws {
        let language = options.language
        let text = DemoText.scene(scene)
        currentScene = scene
        say("")
        // A long title wraps; the rule of ━ ends its last line at column 78.
        var heading = DisplayWidth.wrap(text.title.text(language), width: 74, indent: "━━ \(number)/\(total) · ",
                                        continuation: "   ")
        let last = heading.removeLast() + " "
        heading.append(last + String(repeating: "━", count: max(3, 78 - DisplayWidth.of(last))))
        say(painter.paint(heading.joined(separator: "\n"), .heading))
        say(wrap(text.story.text(language)))
        say(painter.paint(DemoText.byHand.text(language) + ":", .place))
        for command in text.commands { say(Self.shellLines(view(Self.inLanguage(command, options.language)))) }
        let notice = wrap(DemoText.notice.text(language) + ": " + text.notice.text(language), indent: "")
        let label = DemoText.notice.text(language) + ":"
        say(painter.paint(label, .place) + notice.dropFirst(label.count))
        say(painter.paint(DemoText.evidence.text(language) + ":", .place))
        _ = collect()  // anything left over belongs to no scene
        sceneStart = WallClock.now()
        switch scene {
        case .connectionless: try connectionlessScene()
        case .unreliable: try unreliableScene()
        case .ports: try portsScene()
        case .lan: try lanScene()
        case .timeToLive: try timeToLiveScene()
        case .wayBack: try wayBackScene()
        case .reroute: try rerouteScene()
        case .names: try namesScene()
        case .web: try webScene()
        case .encapsulation: try encapsulationScene()
        case .handshake, .delivery, .ordering, .close: try tcpScene(scene)
        case .dropOne: try dropOneScene()
        case .waiting: try waitingScene()
        case .corruption: try corruptionScene()
        }
    }

    // MARK: Evidence

    /// Reads the trace until it is quiet; returns the new events (also kept for the capture).
    func collect(quiet: Duration = .milliseconds(150)) -> [TraceEvent] {
        stream.readUntilQuiet(quiet: quiet)
        let events = stream.takeAll()
        allEvents += events
        if stream.isInterrupted { interrupted = true }
        return events
    }

    /// Prints the events that pass `filter`, one per frame per hop, at most `limit` lines.
    /// With `targets` (as typed after `rawnet trace`: a node, `NODE:IF` or a link), only the
    /// events of those places, as `rawnet trace TARGET` shows them: a frame is then the line of
    /// whichever end is watched, the receiving end's too (watching every node shows each
    /// frame once, as its sender sent it).
    func show(_ events: [TraceEvent], targets: [String] = [], filter: String, limit: Int = 14) {
        let selector = (try? TraceFilter(parsing: filter)) ?? .everything
        // As `rawnet trace` prints them: TCP numbers count from each side's SYN, shown or not.
        var formatter = TraceFormatter(startTime: sceneStart, usesColour: options.usesColour)
        formatter.sequenceBases = TCPSequenceBases()
        var lines: [String] = []
        let watched: [TraceEvent]
        let shown: [Bool]
        if targets.isEmpty {
            watched = events
            shown = hops.admit(events)
        } else {
            // A `rawnet trace TARGET` of its own: its hop filter sees only the places it watches.
            let selection = try? TraceSelection(targets: targets, topology: topology)
            watched = events.filter { selection?.includes($0) ?? true }
            var own = HopFilter(topology: topology)
            shown = own.admit(watched)
        }
        for (event, isShown) in zip(watched, shown) {
            let decoded = event.frame.map { DecodedFrame(parsing: $0, verifyChecksums: false) }
            let base = formatter.learnSequence(from: decoded)
            guard isShown, selector.matches(event, decoded: decoded, sequenceBase: base) else { continue }
            lines.append(formatter.format(event))
        }
        let command = (["rawnet trace"] + targets).joined(separator: " ") + " --filter '\(filter)'"
        say(painter.paint(Self.shellLines(Self.inLanguage(command, options.language)), .time))
        for line in lines.prefix(limit) { say(fit(view(line), indent: "    ", continuation: String(repeating: " ", count: 16))) }
        if lines.count > limit { say(painter.paint("    " + DemoText.more(lines.count - limit).text(options.language), .time)) }
    }

    /// A view's own words in the tour's language (the Korean glossary's terms).
    /// A command as the learner should type it in the tour's language: `rawnet trace` speaks
    /// Korean with `--lang ko`.
    public static func inLanguage(_ command: String, _ language: DemoLanguage) -> String {
        guard language == .ko else { return command }
        var command = command
        for (english, korean) in commentsInKorean { command = command.replacing(english, with: korean) }
        // The views that speak Korean are asked to.
        for verb in ["rawnet trace", "rawnet ladder", "rawnet chat", "rawnet sockets", "rawnet status", "rawnet impair"]
        where command == verb || command.hasPrefix(verb + " ") {
            return verb + " --lang ko" + command.dropFirst(verb.count)
        }
        return command
    }

    /// The shell comments of the scenes' commands, in Korean.
    static let commentsInKorean: [(String, String)] = [
        ("# then Ctrl-D", "# 그다음 Ctrl-D"),
        ("# in another terminal, before the chat", "# 채팅 전에 다른 터미널에서"),
        ("# a room, unless one is open", "# 열린 대화방이 없으면"),
        ("# first line typed: seq 7", "# 처음 치는 줄이 seq 7"),
        ("# while nc waits", "# nc가 기다리는 동안"),
        ("# after a few seconds: a route learned by RIP", "# 몇 초 뒤: RIP로 배운 경로"),
    ]

    /// `  $ command`, or when that is wider than 80 columns, the command broken before an
    /// option as a shell reads it: ` \` at the end of a line, the rest indented under it.
    public static func shellLines(_ command: String) -> String {
        let prompt = "  $ "
        guard DisplayWidth.of(prompt + command) > width else { return prompt + command }
        var cut = command.endIndex
        while let option = command[..<cut].ranges(of: " --").last {
            cut = option.lowerBound
            if DisplayWidth.of(prompt + command[..<cut]) + 2 <= width {
                return prompt + command[..<cut] + " \\\n" + "      " + command[command.index(after: cut)...]
            }
        }
        return prompt + command
    }

    func view(_ text: String) -> String {
        options.language == .ko ? KoreanViews.translate(text) : text
    }

    /// One line of a view, wrapped at spaces to the tour's width, 80 columns.
    func fit(_ line: String, indent: String, continuation: String) -> String {
        DisplayWidth.wrap(line, width: Self.width, indent: indent, continuation: continuation).joined(separator: "\n")
    }

    /// `directory` as the PATH hint writes it: under the working directory it starts with
    /// `$PWD` (short enough for 80 columns however deep the checkout lies).
    public static func shellPath(_ directory: String, from workingDirectory: String?) -> String {
        if directory.isEmpty { return "." }
        if let workingDirectory, workingDirectory != "/", directory.hasPrefix(workingDirectory + "/") {
            return "$PWD" + directory.dropFirst(workingDirectory.count)
        }
        return directory
    }

    /// Whether a `rawnet` the shell can run lies on the PATH.
    static var rawnetIsOnPath: Bool {
        (ProcessEnvironment.value("PATH") ?? "").split(separator: ":").contains {
            FileSystem.isExecutableFile("\($0)/rawnet")
        }
    }

    /// Every line the tour prints fits this many terminal columns.
    public static let width = 80

    /// Waits for Enter at the `--step` prompt; Ctrl-C (caught by the trace
    /// stream's loop) ends the wait and the tour, which then cleans up.
    private func waitForEnter() {
        while !interrupted {
            stream.read(for: .milliseconds(100))
            if stream.isInterrupted {
                interrupted = true
                say("")   // the terminal echoed ^C after the prompt: what follows starts a line of its own
                break
            }
            if FileDescriptor.standardInput.waitReadable(timeout: .zero) {
                _ = readLine()
                break
            }
        }
    }

    /// Records one expected piece of evidence; prints ✓ or ✗.
    /// The line is printed, and a failure recorded, in the tour's language.
    func check(_ condition: Bool, _ what: Said) {
        let language = options.language
        if condition {
            let lines = wrap(what.text(language), indent: "  ✓ ", continuation: "    ")
            say("  " + painter.paint("✓", .outgoing) + lines.dropFirst(3))
        } else {
            say(painter.paint(wrap("✗ " + DemoText.missing.text(language) + ": " + what.text(language)), .dropped))
            failures.append((currentScene, what.text(language)))
        }
    }

    func say(_ line: String) { output(line) }

    /// Wraps at 78 display columns (Hangul counts two), at spaces, indented by two
    /// (or `indent`; later lines by `continuation`, default the same).
    func wrap(_ text: String, indent: String = "  ", continuation: String? = nil) -> String {
        DisplayWidth.wrap(text, width: 78, indent: indent, continuation: continuation).joined(separator: "\n")
    }

    // MARK: Lab helpers

    /// Sends one control command to a node of the tour lab.
    @discardableResult
    func control(_ node: String, _ command: String, _ args: [String: String] = [:]) throws -> JSONValue? {
        let paths = SocketPaths(runDirectory: runDirectory)
        do {
            let client = try ControlClient(path: paths.control(node: node))
            let answer = try client.request(ControlRequest(command: command, args: args))
            guard answer.ok else { throw DemoFailure("\(node) \(command): \(answer.error ?? "error")") }
            return answer.result
        } catch let error as DemoFailure {
            throw error
        } catch {
            throw DemoFailure("\(node) \(command): \(error)")
        }
    }

    /// Opens an app connection to a host of the tour lab.
    func host(_ name: String, app: String) throws -> HostConnection {
        do { return try HostConnection(runDirectory: runDirectory, host: name, appName: app) } catch {
            throw DemoFailure("cannot reach \(name)'s app socket: \(error)")
        }
    }

    /// Fills the ARP caches on the paths the scenes use (alice ↔ bob both ways),
    /// so the first lossy scene does not lose ARP and wait a second for a retry.
    private func warmUp() throws {
        let alice = try host("alice", app: "tour")
        let socket = try UDPSocket(alice)
        try socket.bind(port: 0)
        for _ in 0..<2 {
            try socket.send(Array("warm-up".utf8), to: IPv4Address("10.0.2.20")!, port: 9)
            MonotonicClock.sleep(for: .milliseconds(50))
        }
        try? socket.close()
        _ = collect()
    }
}
