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
    /// Write every frame of the tour to this pcapng file.
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
    var capture = CaptureWriter()
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
        hops = HopFilter(topology: try TopologyLoader.parse(yaml: DemoLab.yaml, file: "built-in tour lab"))
    }

    /// Runs the tour; returns true when every scene showed its evidence.
    public func run() throws -> Bool {
        let language = options.language
        say(painter.paint("RawNet — " + (language == .ko ? "둘러보기" : "a guided tour"), .heading))
        say(wrap(DemoText.intro.text(language)))
        say("")
        say(DemoText.labLine.text(language) + " '\(DemoLab.name)':")
        say(DemoLab.picture)
        let start = try DemoLab.start(executable: options.executable, base: options.base)
        runDirectory = start.runDirectory
        if case .reused = start { say("(reusing the running lab '\(DemoLab.name)')") }
        say(painter.paint(DemoText.labHint.text(language), .time))
        defer { finish(start) }
        do {
            stream = try TraceStream(runDirectory: runDirectory, nodes: ["alice", "bob", "carol", "r1", "r2", "r3"])
            try stream.stopOnInterrupt()
        } catch {
            throw DemoFailure("\(error)")
        }
        try warmUp()
        let scenes = options.scenes.isEmpty ? DemoScene.allCases : options.scenes
        for (index, scene) in scenes.enumerated() {
            try play(scene, number: index + 1, of: scenes.count)
            if interrupted { throw DemoFailure("interrupted") }
            if options.isStepping && index < scenes.count - 1 {
                say(painter.paint("⏎ " + DemoText.pressEnter.text(language), .time))
                _ = readLine()
            }
        }
        say("")
        say(painter.paint(DemoText.outro.text(language), .heading))
        for command in DemoText.tryCommands { say("  $ " + command) }
        say("")
        if failures.isEmpty {
            say(painter.paint("✓ " + DemoText.allPassed.text(language), .outgoing))
        } else {
            let list = failures.map { "\($0.scene.rawValue) (\($0.missing))" }.joined(separator: "; ")
            say(painter.paint("✗ " + DemoText.someFailed.text(language) + ": " + list, .dropped))
        }
        return failures.isEmpty
    }

    private func finish(_ start: DemoLab.Start) {
        stream?.close()
        if let path = options.capturePath {
            var writer = CaptureWriter()
            writer.add(allEvents)
            do {
                try FileSystem.writeBytes(writer.takeBytes(), to: path, mode: 0o644)
                say("capture: \(writer.packetCount) packets written to \(path)")
            } catch {
                say("cannot write the capture \(path): \(error)")
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
        let heading = "━━ \(number)/\(total) · \(text.title.text(language)) "
        say(painter.paint(heading + String(repeating: "━", count: max(3, 78 - heading.count)), .heading))
        say(wrap(text.story.text(language)))
        say(painter.paint(DemoText.byHand.text(language) + ":", .place))
        for command in text.commands { say("  $ " + command) }
        say(painter.paint(DemoText.notice.text(language) + ": ", .place) + text.notice.text(language))
        say(painter.paint(DemoText.evidence.text(language) + ":", .place))
        _ = collect()  // anything left over belongs to no scene
        sceneStart = WallClock.now()
        switch scene {
        case .connectionless: try connectionlessScene()
        case .unreliable: try unreliableScene()
        case .ports: try portsScene()
        case .timeToLive: try timeToLiveScene()
        case .wayBack: try wayBackScene()
        case .encapsulation: try encapsulationScene()
        case .handshake, .delivery, .ordering, .close: try tcpScene(scene)
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
    func show(_ events: [TraceEvent], filter: String, limit: Int = 14) {
        let selector = (try? TraceFilter(parsing: filter)) ?? .everything
        var formatter = TraceFormatter(startTime: sceneStart, usesColour: options.usesColour)
        var lines: [String] = []
        for (event, isShown) in zip(events, hops.admit(events)) where isShown && selector.matches(event) {
            lines.append("    " + formatter.format(event))
        }
        say(painter.paint("  $ rawnet trace --filter '\(filter)'", .time))
        for line in lines.prefix(limit) { say(line) }
        if lines.count > limit { say(painter.paint("    … \(lines.count - limit) more", .time)) }
    }

    /// Records one expected piece of evidence; prints ✓ or ✗.
    /// The line is printed in the tour's language; a failure is recorded in English.
    func check(_ condition: Bool, _ what: Said) {
        let language = options.language
        if condition {
            say("  " + painter.paint("✓", .outgoing) + " " + what.text(language))
        } else {
            say("  " + painter.paint("✗ " + DemoText.missing.text(language) + ": " + what.text(language), .dropped))
            failures.append((currentScene, what.en))
        }
    }

    func say(_ line: String) { output(line) }

    /// Wraps at about 78 columns, indented by two.
    func wrap(_ text: String, width: Int = 76) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append("  " + line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append("  " + line) }
        return lines.joined(separator: "\n")
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
