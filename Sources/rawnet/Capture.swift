import ArgumentParser
import RawNetCore
import RawNetWatch
import RawNetView

struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Write the frames crossing the lab's cables to a pcapng file for Wireshark.",
        discussion: """
            With no target, each link is recorded at one point (its second end as the topology \
            names it, sending and receiving), so every frame crossing a cable is stored once and \
            Wireshark's TCP analysis sees no false retransmissions. --every-interface stores each \
            frame once per interface it crosses instead (one pcapng interface per NODE:INTERFACE), \
            as do node, interface or link targets. The file grows while the capture runs \
            (Wireshark can open it meanwhile); Ctrl-C stops. Frames a daemon could not stream \
            because the capture fell behind are counted, said on screen and marked in the file \
            (drop counts on the next packet and in interface statistics). With --from, converts a trace saved \
            by `rawnet trace --save` instead of watching the lab.
              rawnet capture -w lab.pcapng --duration 10
              rawnet capture r1 -w r1.pcapng
              rawnet capture --every-interface -w all.pcapng --duration 10
              rawnet capture --from run.jsonl -w run.pcapng
            """)

    @OptionGroup var watch: WatchOptions
    @Option(name: .short, help: "The pcapng file to write.") var write: String
    @Flag(name: .long, help: "Store each frame once per interface it crosses (every node's view), not once per link.")
    var everyInterface = false
    @Option(name: .long, help: "Convert this saved trace (JSON lines) instead of capturing live.") var from: String?
    @OptionGroup var labOption: LabOption

    func validate() throws {
        if from != nil && (!watch.targets.isEmpty || watch.duration != nil) {
            throw ValidationError("--from converts a saved trace; it takes no targets and no --duration")
        }
    }

    func run() throws {
        let filter = watch.parsedFilter
        var capture = CaptureWriter()
        var multiInterface = true
        /// Adds what the filter keeps (and every gap, said on screen); false once --count is reached.
        func add(_ events: [TraceEvent]) -> Bool {
            for event in events {
                if event.kind == .lost {
                    capture.add(event)
                    printToStandardError("… " + TraceFormatter.gapText(event) + "; marked in \(write)")
                    continue
                }
                guard filter.matches(event) else { continue }
                capture.add(event)
                if let count = watch.count, capture.packetCount >= count { return false }
            }
            return true
        }
        func summary() -> String {
            "\(capture.packetCount) packets on \(capture.interfaceNames.count) interfaces written to \(write)"
                + (capture.droppedCount > 0 ? "; \(capture.droppedCount) frames lost, marked in the file" : "")
        }
        let file: GrowingFile
        do { file = try GrowingFile(path: write) } catch { throw Failure("\(error)") }
        if let from {
            let events: [TraceEvent]
            do { events = try TraceFile.read(path: from) } catch { throw Failure("\(error)") }
            _ = add(events)
            do { try file.append(capture.takeBytes()) } catch { throw Failure("\(error)") }
            print(summary())
            if capture.interfaceNames.count > 1 { printToStandardError(Self.readingHint) }
            return
        }
        let live = try LiveWatch(targets: watch.targets, labOption: labOption)
        if watch.targets.isEmpty && !everyInterface {
            let watched = Set(live.stream.nodes).subtracting(live.stream.absentNodes)
            capture = CaptureWriter(onlyAt: CapturePoints(topology: live.topology, watched: watched).places)
            multiInterface = false
        }
        printToStandardError("capturing \(live.stream.nodes.joined(separator: ", ")) of lab '\(live.located.name)' to \(write); Ctrl-C stops")
        try live.run(duration: watch.duration) { events in
            let goesOn = add(events)
            // Written after every read (at most 200 ms apart), so the file is always whole blocks.
            do { try file.append(capture.takeBytes()) } catch { throw Failure("\(error)") }
            return goesOn
        }
        printToStandardError(summary())
        if capture.interfaceNames.count > 1 {
            printToStandardError(multiInterface ? Self.readingHint : Self.perLinkHint)
        }
    }

    /// How to read a default file: once per link, but a routed segment crosses several links.
    static let perLinkHint = "each frame is stored once per link; a segment routed over several links appears "
        + "once on each, so read TCP one link at a time (filter frame.interface_name == \"bob:eth0\")"

    /// How to read a file that holds a forwarded frame once per interface it crossed.
    static let readingHint = "each frame is stored once per interface it crossed, so Wireshark flags copies as "
        + "retransmissions: look at one interface at a time (filter frame.interface_name == \"r1:eth0\"; "
        + "Statistics > Capture File Properties lists them), or capture without --every-interface"
}
