import ArgumentParser
import RawNetContracts
import RawNetCore
import RawNetDaemon
import RawNetLabModel
import RawNetPlatform
import RawNetWatch
import RawNetView
import RawNetWire

/// Writes a line to standard error (status lines that must not mix with piped output).
func printToStandardError(_ text: String) {
    try? FileDescriptor(rawValue: 2).writeAll(Array((text + "\n").utf8))
}

/// Options shared by the commands that watch a running lab.
struct WatchOptions: ParsableArguments {
    @Argument(help: "What to watch: NODE, NODE:INTERFACE, or a link (A-B or A:IF-B:IF). Default: every node.")
    var targets: [String] = []

    @Option(name: .long, help: "Keep only matching events, e.g. 'udp and port 7000', 'host 10.0.1.10', 'on r1:eth1', 'dropped', 'not arp', 'tcp and not event cwnd'.")
    var filter: String?

    @Option(name: .long, help: "Stop after this many seconds.")
    var duration: Double?

    @Option(name: .long, help: "Stop after this many events (capture: packets).")
    var count: Int?

    func validate() throws {
        if let filter {
            do { _ = try TraceFilter(parsing: filter) } catch { throw ValidationError("--filter: \(error)") }
        }
        if let duration, duration <= 0 { throw ValidationError("--duration needs a positive number of seconds") }
        if let count, count <= 0 { throw ValidationError("--count needs a positive number") }
    }

    var parsedFilter: TraceFilter { filter.flatMap { try? TraceFilter(parsing: $0) } ?? .everything }
}

/// A live session over a located lab: subscriptions, selection, the per-hop filter.
struct LiveWatch {
    let located: LabLocator.Located
    let topology: Topology
    let selection: TraceSelection
    let stream: TraceStream
    var hops: HopFilter

    /// `scope`: the interfaces to stream per node, given the nodes that answered (`TraceStream`).
    /// The language of the notes this session prints on standard error (`trace --lang`).
    var language: ViewLanguage = .en

    init(targets: [String], labOption: LabOption, scope: ((Topology, [String]) -> [String: [String]])? = nil,
         language: ViewLanguage = .en) throws {
        self.language = language
        located = try labOption.locate()
        topology = try located.topology()
        do { selection = try TraceSelection(targets: targets, topology: topology) } catch { throw UsageFailure("\(error)") }
        do {
            // With no target, a node without a daemon (a linux node not attached) is left out, not fatal.
            let topology = self.topology
            stream = try TraceStream(runDirectory: located.runDirectory, nodes: selection.nodes,
                                     skippingAbsent: targets.isEmpty, scope: scope.map { scope in { scope(topology, $0) } })
            try stream.stopOnInterrupt()
        } catch {
            throw Failure("\(error)")
        }
        if !stream.absentNodes.isEmpty {
            let nodes = stream.absentNodes.joined(separator: ", ")
            printToStandardError(language == .ko
                ? "\(nodes)은(는) 지켜보지 않습니다: 제어 소켓에서 답이 없습니다(붙이지 않은 linux 노드이거나 멈춘 데몬)"
                : "not watching \(nodes): nothing answers on its control socket (a linux node that is not attached, or a daemon that is down)")
        }
        hops = HopFilter(topology: topology)
    }

    /// Reads until the duration passes, Ctrl-C, every daemon stops, or `handle` returns false.
    /// `handle` gets the selected events in time order.
    func run(duration: Double?, _ handle: ([TraceEvent]) throws -> Bool) throws {
        try runUnselected(duration: duration) { try handle($0.filter(selection.includes)) }
    }

    /// As `run`, but `handle` gets every event the watched daemons report, selected or not
    /// (`selection.includes` tells): events of a place not shown still inform the ones shown.
    func runUnselected(duration: Double?, _ handle: ([TraceEvent]) throws -> Bool) throws {
        let deadline = duration.map { MonotonicClock.now() + Int64($0 * 1e9) }
        while true {
            var remaining = Int64(200_000_000)
            if let deadline { remaining = min(remaining, deadline - MonotonicClock.now()) }
            if remaining > 0 { stream.read(for: .nanoseconds(remaining)) }
            let ended = stream.isInterrupted || stream.isFinished || deadline.map { MonotonicClock.now() >= $0 } ?? false
            if ended { stream.readBacklog() }
            let events = ended ? stream.takeAll() : stream.take()
            // A node's stream ending or coming back is said as it happens (standard error: no filter hides it).
            for change in stream.takeChanges() {
                let text = change.text(korean: language == .ko)
                printToStandardError((Terminal.columns(of: 2).map { DisplayWidth.wrap(text, width: $0, continuation: "  ") } ?? [text])
                    .joined(separator: "\n"))
            }
            if try !handle(events) || ended { break }
        }
        // After Ctrl-C on a terminal, what follows goes on a row of its own: the terminal has just echoed ^C.
        if stream.isInterrupted && Terminal.columns(of: 2) != nil { printToStandardError("") }
        if !stream.endedNodes.isEmpty {
            let nodes = stream.endedNodes.joined(separator: ", ")
            printToStandardError(language == .ko ? "추적 스트림을 끝낸 노드: \(nodes)" : "stream ended by: \(nodes)")
        }
        for node in stream.endedNodes { if let reason = stream.endReasons[node] { printToStandardError("\(node): \(reason)") } }
    }
}

struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Show every frame the lab's daemons send, receive or drop, one line each, live.",
        usage: "rawnet trace [<targets> ...] [<options>]",
        discussion: """
            Each frame appears once per cable it crosses (its sending end's line; the receiving \
            end's twin is left out unless --both-ends). A frame carrying a TCP retransmission \
            ends in ↻ retransmission, with its sender's reason when that host is watched. \
            Ctrl-C stops. Examples:
              rawnet trace                        # everything
              rawnet trace r1 --filter 'icmp'     # ICMP seen by r1
              rawnet trace alice-r1 --layers      # every header of frames on that link
              rawnet trace --save run.jsonl --duration 10   # for ladder, plot, capture
            """)

    @OptionGroup var watch: WatchOptions
    @Flag(name: .long, help: "Show every header of each frame in boxes.") var layers = false
    @Flag(name: .long, help: "Also show the receiving end's line for each frame.") var bothEnds = false
    @Flag(name: .long, help: "TCP sequence and acknowledgment numbers as on the wire (by default they count from each side's SYN when it was seen, as tcpdump shows them, and so does a 'seq N' filter; a number shown as on the wire because the SYN was not seen is marked (abs)).")
    var absolute = false
    @Option(name: .long, help: "Also write the events (selected, filtered) as JSON lines to this file.") var save: String?
    @OptionGroup var languageOption: LanguageOption
    @OptionGroup var width: WidthOption
    @OptionGroup var labOption: LabOption

    func run() throws {
        let language = languageOption.language
        var live = try LiveWatch(targets: watch.targets, labOption: labOption, language: language)
        let filter = watch.parsedFilter
        let file: GrowingFile?
        do { file = try save.map { try GrowingFile(path: $0) } } catch { throw Failure("\(error)") }
        var formatter = TraceFormatter(usesColour: Terminal.prefersColour)
        if !absolute { formatter.sequenceBases = TCPSequenceBases() }
        formatter.language = language
        var retransmissions = TraceRetransmissions()
        let columns = width.columns
        var shown = 0
        // Wrapped at spaces to the terminal it goes to (standard error), or to --width.
        let header = Self.header(nodes: live.stream.nodes, lab: live.located.name, filter: watch.filter,
                                 absolute: absolute, language: language)
        let headerColumns = width.width.map { $0 == 0 ? nil : $0 } ?? Terminal.columns(of: 2)
        printToStandardError((headerColumns.map { DisplayWidth.wrap(header, width: $0, continuation: "  ") } ?? [header])
            .joined(separator: "\n"))
        try live.runUnselected(duration: watch.duration) { all in
            var out = ""
            var saved: [UInt8] = []
            // Every event is looked at for retransmissions, also where nothing is shown: a host's
            // retransmit event marks its frame when only its interface is traced.
            let marks = retransmissions.marks(for: all)
            let selected = all.indices.filter { live.selection.includes(all[$0]) }
            let hopMask = live.hops.admit(selected.map { all[$0] })
            for (position, isShownHop) in zip(selected, hopMask) {
                let event = all[position]
                // Every SYN is learnt, shown or not, so later numbers count from it.
                let decoded = event.frame.map { DecodedFrame(parsing: $0, verifyChecksums: false) }
                if layers, let frame = event.frame { formatter.windowScales.observe(frame: frame) }
                let base = formatter.learnSequence(from: decoded)
                // A gap may hide events the filter would keep: it always shows.
                guard filter.matches(event, decoded: decoded, sequenceBase: base) || event.kind == .lost else { continue }
                saved += TraceFile.line(for: event)
                guard isShownHop || bothEnds else { continue }
                let mark = marks[position]
                if layers {
                    out += formatter.formatWithLayers(event, retransmission: mark, width: columns) + "\n"
                } else {
                    let line = formatter.format(event, retransmission: mark)
                    out += (columns.map { TraceFormatter.fit(line, width: $0) } ?? [line]).joined(separator: "\n") + "\n"
                }
                shown += 1
                if let count = watch.count, shown >= count { break }
            }
            print(out, terminator: "")
            Terminal.flushStandardOutput()
            do { try file?.append(saved) } catch { throw Failure("\(error)") }
            return watch.count.map { shown < $0 } ?? true
        }
        printToStandardError(language == .ko ? "이벤트 \(shown)개 표시" + (save.map { "; \($0)에 저장" } ?? "")
                                              : "\(shown) \(shown == 1 ? "event" : "events") shown" + (save.map { "; saved to \($0)" } ?? ""))
    }

    /// The first line: what is traced, and how to read times and TCP numbers.
    static func header(nodes: [String], lab: String, filter: String?, absolute: Bool, language: ViewLanguage) -> String {
        let names = nodes.joined(separator: ", ")
        switch language {
        case .en:
            return "tracing \(names) of lab '\(lab)'" + (filter.map { " (filter: \($0))" } ?? "")
                + "; times in ms from the first event"
                + (absolute ? "; TCP seq/ack as on the wire (--absolute)"
                    : "; TCP seq/ack count from each side's SYN (a SYN shows its own as on the wire); where the trace"
                    + " did not see the SYN, they are as on the wire and marked (abs) (--absolute: all as on the wire)")
                + (filter == nil ? "; a watched host's TCP also notes each change of its windows (event=cwnd, send_window,"
                    + " receive_window): --filter 'not event cwnd' hides the cwnd lines" : "")
                + "; Ctrl-C stops"
        case .ko:
            return "실습 네트워크 '\(lab)'의 \(names) 추적" + (filter.map { " (필터: \($0))" } ?? "")
                + "; 시각은 첫 이벤트부터 ms"
                + (absolute ? "; TCP seq/ack는 헤더에 실린 값 그대로 (--absolute)"
                    : "; TCP seq/ack는 각 쪽의 SYN부터 셉니다 (SYN은 자기 번호를 헤더에 실린 값 그대로 보여 줌);"
                    + " 추적이 SYN을 보지 못한 연결은 헤더에 실린 값 그대로이며 (abs)로 표시합니다"
                    + " (--absolute: 모두 헤더에 실린 값 그대로)")
                + (filter == nil ? "; 지켜보는 호스트의 TCP는 윈도우가 바뀔 때마다 줄을 남깁니다 (event=cwnd, send_window,"
                    + " receive_window): --filter 'not event cwnd'로 cwnd 줄을 숨깁니다" : "")
                + "; Ctrl-C로 멈춥니다"
        }
    }
}
