import ArgumentParser
import RawNetCore
import RawNetPlatform
import RawNetWatch
import RawNetView

/// Where `ladder` and `plot` get their events: a saved trace or a live watch.
struct EventSourceOptions: ParsableArguments {
    @Option(name: .long, help: "Read a trace saved by `rawnet trace --save`.") var from: String?
    @Option(name: .long, help: "Watch the running lab for this many seconds (without --from or --duration: until Ctrl-C).") var duration: Double?
    @Option(name: .long, help: "The connection, as 'CLIENT:PORT>SERVER:PORT' in quotes (the shell reads a bare > as a redirect); default: the first one seen (`rawnet ladder --list` lists them).")
    var connection: String?

    func validate() throws {
        if from != nil && duration != nil {
            throw ValidationError("give --from FILE.jsonl (a saved trace) or --duration SECONDS (watch the lab now), not both")
        }
        if let duration, duration <= 0 { throw ValidationError("--duration needs a positive number of seconds") }
        if let connection, TCPConnectionKey(connection) == nil {
            var message = "--connection must look like '10.0.1.10:40000>10.0.2.20:7000', not '\(connection)'"
            if !connection.contains(">") {
                message += "; put it in quotes: unquoted, the shell takes > as a redirect (and may have made a file named after the server)"
            }
            throw ValidationError(message)
        }
    }

    var connectionKey: TCPConnectionKey? { connection.flatMap { TCPConnectionKey($0) } }

    /// A watch that runs until Ctrl-C keeps at most this many events, so its memory is bounded.
    static let liveEventLimit = 200_000

    func events(labOption: LabOption, language: ViewLanguage = .en) throws -> [TraceEvent] {
        let korean = language == .ko
        if let from {
            do { return try TraceFile.read(path: from) } catch { throw Failure("\(error)") }
        }
        let live = try LiveWatch(targets: [], labOption: labOption)
        let limit = Self.liveEventLimit
        let name = live.located.name
        printToStandardError(korean
            ? duration.map { "실습 네트워크 '\(name)'을(를) \($0)초 동안 지켜봅니다; Ctrl-C로 일찍 끝냅니다" }
                ?? "실습 네트워크 '\(name)'을(를) Ctrl-C까지 지켜봅니다 (이벤트 최대 \(limit)개)"
            : duration.map { "watching lab '\(name)' for \($0) s; Ctrl-C ends early" }
                ?? "watching lab '\(name)' until Ctrl-C (at most \(limit) events)")
        var all: [TraceEvent] = []
        try live.run(duration: duration) { events in
            all += events
            guard all.count >= limit else { return true }
            printToStandardError(korean ? "이벤트 \(limit)개에서 멈춤; 저장한 추적(rawnet trace --save)은 더 담을 수 있습니다"
                                        : "stopped at \(limit) events; a saved trace (rawnet trace --save) holds more")
            return false
        }
        return all
    }

    /// The chosen connection, checked against what the events hold.
    func chosenConnection(in events: [TraceEvent], language: ViewLanguage = .en) throws -> TCPConnectionKey {
        let known = Ladder.connections(in: events)
        guard let first = known.first else {
            throw Failure(language == .ko ? KoreanViews.translate("no TCP connection in these events") : "no TCP connection in these events")
        }
        guard let wanted = connectionKey else { return first }
        guard let match = known.first(where: { $0.contains(wanted.client, wanted.server) }) else {
            throw UsageFailure("no connection \(wanted) in these events; seen: \(known.map(\.description).joined(separator: ", "))")
        }
        return match
    }
}

struct LadderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ladder",
        abstract: "Draw a TCP connection as a ladder (sequence) diagram: handshake, data, losses, retransmissions, close.", usage: "rawnet ladder [<options>]",
        discussion: """
            Save a trace while a connection runs (chat in another terminal), then draw it:
              rawnet trace --save run.jsonl --duration 20
              rawnet ladder --from run.jsonl --list
              rawnet ladder --from run.jsonl --connection '10.0.1.10:49152>10.0.2.20:7000'
              rawnet ladder --duration 10 --mermaid > ladder.mmd
            """)

    @OptionGroup var source: EventSourceOptions
    @Flag(name: .long, help: "Write Mermaid (sequenceDiagram) text instead of the terminal drawing.") var mermaid = false
    @Flag(name: .long, help: "List the TCP connections in the events and stop.") var list = false
    @OptionGroup var languageOption: LanguageOption
    @OptionGroup var width: WidthOption
    @OptionGroup var labOption: LabOption

    func run() throws {
        let language = languageOption.language
        let say = language == .ko ? KoreanViews.translate : { $0 }
        let events = try source.events(labOption: labOption, language: language)
        if list {
            let connections = Ladder.connections(in: events)
            if connections.isEmpty { print(say("no TCP connection in these events")) }
            for key in connections {
                let frames = events.filter { CaptureWriter.captures($0) && TraceFilter.port(key.client.port).matches($0) }.count
                print("\(key)   (" + (language == .ko ? "프레임 관찰 \(frames)번" : "\(frames) frame observations") + ")")
            }
            // A watcher that fell behind lost events: the frames listed are not all there were.
            let gaps = events.compactMap(TraceGap.init)
            if !gaps.isEmpty {
                let lost = gaps.map(\.events).reduce(0, +), frames = gaps.map(\.frameCount).reduce(0, +)
                print(language == .ko
                      ? "(빈틈 \(gaps.count)곳: 이벤트 \(lost)개, 그중 프레임 \(frames)개를 추적이 놓침; 연결의 세그먼트가 빠졌을 수 있음)"
                      : "(\(gaps.count == 1 ? "a gap" : "\(gaps.count) gaps"): the trace lost \(lost) events, \(frames) of them frames; a connection's segments may be missing)")
            }
            return
        }
        let key = try source.chosenConnection(in: events, language: language)
        let ladder = Ladder(events: events, connection: key)
        if mermaid {
            print(ladder.renderMermaid(), terminator: "")
            return
        }
        let text = ladder.renderText(usesColour: Terminal.prefersColour,
                                     translate: say)
        guard let columns = width.columns else { return print(text, terminator: "") }
        for line in Ladder.fit(text, width: columns) { print(line) }
    }
}

struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Write an SVG time-sequence and congestion-window graph of one TCP connection.", usage: "rawnet plot -o <file> [<options>]",
        discussion: "  rawnet plot --from run.jsonl -o transfer.svg")

    @OptionGroup var source: EventSourceOptions
    @Option(name: .short, help: "The SVG file to write.") var output: String
    @OptionGroup var labOption: LabOption

    func run() throws {
        let events = try source.events(labOption: labOption)
        let key = try source.chosenConnection(in: events)
        let svg = TCPPlot(events: events, connection: key).renderSVG()
        do { try FileSystem.writeBytes(Array(svg.utf8), to: output, mode: 0o644) } catch { throw Failure("cannot write \(output): \(error)") }
        print("plot of \(key) written to \(output)")
    }
}
