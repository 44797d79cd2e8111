import ArgumentParser
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import RawNetWatch
import RawNetWeb
import RawNetCore

/// `rawnet web`: the running lab in a browser.
struct WebCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web",
        abstract: "Serve the running lab as a page on this machine: topology, frames moving, layers, impairments.", usage: "rawnet web [<options>]",
        discussion: """
            Listens on 127.0.0.1 only and prints the address to open. The page draws the \
            topology, animates each frame along the link it crossed (the same merged trace as \
            `rawnet trace`), shows a frame's layers on a click, changes a link's impairments \
            as `rawnet impair` does, and can pause and step through what it recorded. \
            --port 0 picks a free port. Ctrl-C stops.
            With --from, the page steps through a saved trace (`rawnet trace --save`) instead, \
            drawn over --topology FILE, else the running lab's topology, else the default lab's.
            The page is in Korean with ?lang=ko after the address (?lang=en: English); without \
            it, in the language last chosen with its button, else the browser's.
            """)

    @Option(help: "TCP port on 127.0.0.1 (0: any free one).") var port: Int = 8080
    @Option(help: "Step through this saved trace (JSON lines from `rawnet trace --save`) instead of a running lab.")
    var from: String?
    @Option(help: "With --from: the topology file the trace was recorded on.") var topology: String?
    @OptionGroup var labOption: LabOption

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        if topology != nil, from == nil { throw ValidationError("--topology goes with --from") }
    }

    func run() throws {
        let source: WebServer.Source
        let name: String
        if let from {
            let events: [TraceEvent]
            do { events = try TraceFile.read(path: from) } catch { throw Failure("\(error)") }
            let drawn: Topology
            if let topology {
                do { drawn = try TopologyLoader.load(path: topology) } catch { throw Failure("\(error)") }
            } else if let located = try? labOption.locate(), let running = try? located.topology() {
                drawn = running
            } else {
                drawn = TopologyLoader.defaultLab()
            }
            name = "\(from) (\(events.count) events)"
            source = .saved(name: from, topology: drawn, events: events)
        } else {
            let located = try labOption.locate()
            name = "lab '\(located.name)'"
            source = .live(located)
        }
        do {
            try WebServer(source: source, port: port).runBlocking { url in
                print("rawnet web: \(url) (\(name)); Ctrl-C stops")
                Terminal.flushStandardOutput()
            }
        } catch {
            throw Failure("\(error)")
        }
    }
}
