import ArgumentParser
import RawNetCore
import RawNetLabModel
import RawNetWatch
import RawNetView

struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Write the frames crossing the lab's cables to a pcapng file for Wireshark.", usage: "rawnet capture [<targets> ...] -w <file> [<options>]",
        discussion: """
            With no target, each link is recorded at one point (its second end as the topology \
            names it, sending and receiving) into a file of its own beside the one named: -w \
            lab.pcapng writes lab.alice-r1.pcapng, lab.r1-bob.pcapng, … (a lab of one link, \
            lab.pcapng itself). Each file is one tap on one cable, so Wireshark's TCP analysis \
            flags only what really happened on it; a segment routed over three links is one \
            packet in each of three files. --one-file puts those points in one file (a routed \
            segment then appears once per link it crossed, and Wireshark takes the later copies \
            for retransmissions); --every-interface stores each frame once per interface it \
            crosses (one pcapng interface per NODE:INTERFACE), as do node or interface targets; \
            a link target is recorded at one end, each frame once. Files grow while the capture runs \
            (Wireshark can open them meanwhile); Ctrl-C stops. With no target or one link target, \
            and no --filter or --count, the daemons write the files themselves, so no frame is lost however busy the lab. \
            Otherwise the frames stream to this command, and frames a daemon could not stream \
            because the capture fell behind are counted, said on screen and marked in the file \
            (drop counts on the next packet and in interface statistics). With --from, converts a trace saved \
            by `rawnet trace --save` instead of watching the lab.
              rawnet capture -w lab.pcapng --duration 10
              rawnet capture r1 -w r1.pcapng
              rawnet capture --one-file -w links.pcapng --duration 10
              rawnet capture --every-interface -w all.pcapng --duration 10
              rawnet capture --from run.jsonl -w run.pcapng
            """)

    @OptionGroup var watch: WatchOptions
    @Option(name: .short, help: "The pcapng file to write (with no target: the name its per-link files are made from).")
    var write: String
    @Flag(name: .long, help: "Store each frame once per interface it crosses (every node's view), not once per link.")
    var everyInterface = false
    @Flag(name: .long, help: "With no target, write the one point per link into one file instead of a file per link.")
    var oneFile = false
    @Option(name: .long, help: "Convert this saved trace (JSON lines) instead of capturing live.") var from: String?
    @OptionGroup var labOption: LabOption

    func validate() throws {
        if from != nil && (!watch.targets.isEmpty || watch.duration != nil) {
            throw ValidationError("--from converts a saved trace; it takes no targets and no --duration")
        }
        if oneFile && everyInterface {
            throw ValidationError("--one-file and --every-interface are two different files: choose one")
        }
    }

    func run() throws {
        let filter = watch.parsedFilter
        var capture = CaptureWriter()
        var multiInterface = true
        /// Adds what the filter keeps (and every gap, said on screen); false once --count is reached.
        func add(_ events: [TraceEvent]) -> Bool {
            feed(events, filter: filter, gapsMarkedIn: write, store: { capture.add($0) }, stored: { capture.packetCount })
        }
        func summary() -> String {
            "\(capture.packetCount) packets on \(capture.interfaceNames.count) interfaces written to \(write)"
                + (capture.droppedCount > 0 ? "; \(capture.droppedCount) frames lost, marked in the file" : "")
        }
        var opened: GrowingFile?
        /// The single file, created only when one file is written (not for a file per link).
        func file() throws -> GrowingFile {
            if let opened { return opened }
            do { opened = try GrowingFile(path: write) } catch { throw Failure("\(error)") }
            return opened!
        }
        if let from {
            let events: [TraceEvent]
            do { events = try TraceFile.read(path: from) } catch { throw Failure("\(error)") }
            _ = add(events)
            do { try file().append(capture.takeBytes()) } catch { throw Failure("\(error)") }
            print(summary())
            if capture.interfaceNames.count > 1 { printToStandardError(Self.readingHint) }
            return
        }
        // The default, a file per link with every frame: the daemons write the files themselves.
        // So is one link named: recorded at one end into the file named, by that end's daemon.
        if !everyInterface && !oneFile && watch.filter == nil && watch.count == nil && watch.targets.count <= 1 {
            let located = try labOption.locate()
            let topology = try located.topology()
            let linkTarget = watch.targets.first
            if linkTarget.map({ CapturePoints.place(ofLinkTarget: $0, topology: topology, watched: Set(topology.nodes.map(\.name))) != nil }) ?? true {
                try captureInDaemons(located: located, topology: topology, linkTarget: linkTarget)
                return
            }
        }
        // Recording one end of each link, the capture asks each daemon for that interface's
        // events only: the daemons build and send none it would throw away.
        let pointsOnly: ((Topology, [String]) -> [String: [String]])? = watch.targets.isEmpty && !everyInterface
            ? { topology, answering in CapturePoints(topology: topology, watched: Set(answering)).interfacesByNode(of: answering) }
            : nil
        let live = try LiveWatch(targets: watch.targets, labOption: labOption, scope: pointsOnly)
        if watch.targets.isEmpty && !everyInterface {
            let watched = Set(live.stream.answeringNodes)
            let points = CapturePoints(topology: live.topology, watched: watched)
            if !oneFile {
                try capturePerLink(live, points: points, filter: filter)
                return
            }
            capture = CaptureWriter(onlyAt: points.places)
            multiInterface = false
        }
        if !watch.targets.isEmpty && !everyInterface {
            // Links named as targets are each recorded at one end, as the default does: a frame on a
            // cable is stored once, not once by the end that sent it and again by the end that got it.
            let watched = Set(live.stream.nodes).subtracting(live.stream.absentNodes)
            let places = watch.targets.map { CapturePoints.place(ofLinkTarget: $0, topology: live.topology, watched: watched) }
            if !places.isEmpty, places.allSatisfy({ $0 != nil }) {
                capture = CaptureWriter(onlyAt: Set(places.compactMap { $0 }))
                multiInterface = false
            }
        }
        _ = try file()
        printToStandardError("capturing \(live.stream.nodes.joined(separator: ", ")) of lab '\(live.located.name)' to \(write); Ctrl-C stops")
        try live.run(duration: watch.duration) { events in
            let goesOn = add(events)
            // Written after every read (at most 200 ms apart), so the file is always whole blocks.
            do { try file().append(capture.takeBytes()) } catch { throw Failure("\(error)") }
            return goesOn
        }
        printToStandardError(summary())
        if capture.interfaceNames.count > 1 {
            printToStandardError(multiInterface ? Self.readingHint : Self.perLinkHint)
        }
    }

    /// Stores what the filter keeps, and every gap (said on screen); false once --count is reached.
    private func feed(_ events: [TraceEvent], filter: TraceFilter, gapsMarkedIn place: String,
                      store: (TraceEvent) -> Void, stored: () -> Int) -> Bool {
        for event in events {
            if event.kind == .lost {
                store(event)
                printToStandardError("… " + TraceFormatter.gapText(event) + "; marked in \(place)")
                continue
            }
            guard filter.matches(event) else { continue }
            store(event)
            if let count = watch.count, stored() >= count { return false }
        }
        return true
    }

    /// The default with no filter and no count: a file per link, written by the daemon at the
    /// link's recorded end (see `DaemonCapture`).
    private func captureInDaemons(located: LabLocator.Located, topology: Topology, linkTarget: String?) throws {
        var capture = try DaemonCapture(located: located, topology: topology, beside: write, linkTarget: linkTarget)
        if let linkTarget, let point = capture.points.first {
            printToStandardError("capturing link \(linkTarget) of lab '\(located.name)' at \(point.place) to \(point.shown); Ctrl-C stops")
        } else {
            printToStandardError("capturing lab '\(located.name)', a file per link: \(capture.points.map(\.shown).joined(separator: ", ")); Ctrl-C stops")
        }
        try capture.wait(duration: watch.duration)
        capture.stop()
        let ended = capture.endedNodes
        if !ended.isEmpty {
            let (who, hold) = ended.count == 1 ? ("daemon of \(ended[0])", "its files hold what it") : ("daemons of \(ended.joined(separator: ", "))", "their files hold what they")
            printToStandardError("the \(who) went away during the capture (rawnet status says whether the lab is up): \(hold) wrote until then")
        }
        if linkTarget != nil {
            printToStandardError((ended.isEmpty ? "\(capture.packetCount) packets written" : "written") + " (one tap on one cable):")
        } else {
            printToStandardError((ended.isEmpty ? "\(capture.packetCount) packets written, one file per link" : "files written, one per link")
                                 + " (one tap on one cable each):")
        }
        for line in capture.summaryLines { printToStandardError(line) }
        let failed = capture.failedPlaces
        if !failed.isEmpty {
            throw Failure("the capture at \(failed.joined(separator: ", ")) stopped early: a write to its file failed (see above); "
                          + "the file holds the packets before it")
        }
    }

    /// A file per link, each a tap on one cable, from the streamed events (with a filter or a count).
    private func capturePerLink(_ live: LiveWatch, points: CapturePoints, filter: TraceFilter) throws {
        let capture: PerLinkCapture
        do { capture = try PerLinkCapture(points: points, beside: write) } catch { throw Failure("\(error)") }
        let names = capture.files.map(\.file.path)
        printToStandardError("capturing lab '\(live.located.name)', a file per link: \(names.joined(separator: ", ")); Ctrl-C stops")
        try live.run(duration: watch.duration) { events in
            let goesOn = feed(events, filter: filter, gapsMarkedIn: "the capture",
                              store: { capture.add($0) }, stored: { capture.packetCount })
            do { try capture.flush() } catch { throw Failure("\(error)") }
            return goesOn
        }
        printToStandardError("\(capture.packetCount) packets written, one file per link (one tap on one cable each)"
            + (capture.droppedCount > 0 ? "; \(capture.droppedCount) frames lost, marked in the files" : "") + ":")
        for line in capture.summaryLines { printToStandardError(line) }
    }

    /// How to read a --one-file file: once per link, but a routed segment crosses several links.
    static let perLinkHint = "each frame is stored once per link; a segment routed over several links appears "
        + "once on each, so read TCP one link at a time (filter frame.interface_name == \"bob:eth0\"), "
        + "or capture without --one-file for a file per link"

    /// How to read a file that holds a forwarded frame once per interface it crossed.
    static let readingHint = "each frame is stored once per interface it crossed, so Wireshark flags copies as "
        + "retransmissions: look at one interface at a time (filter frame.interface_name == \"r1:eth0\"; "
        + "Statistics > Capture File Properties lists them), or capture without --every-interface"
}
