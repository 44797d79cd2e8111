import ArgumentParser
import RawNetPlatform
import RawNetWeb

/// `rawnet web`: the running lab in a browser.
struct WebCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web",
        abstract: "Serve the running lab as a page on this machine: topology, frames moving, layers, impairments.",
        discussion: """
            Listens on 127.0.0.1 only and prints the address to open. The page draws the \
            topology, animates each frame along the link it crossed (the same merged trace as \
            `rawnet trace`), shows a frame's layers on a click, changes a link's impairments \
            as `rawnet impair` does, and can pause and step through what it recorded. \
            --port 0 picks a free port. Ctrl-C stops.
            """)

    @Option(help: "TCP port on 127.0.0.1 (0: any free one).") var port: Int = 8080
    @OptionGroup var labOption: LabOption

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
    }

    func run() throws {
        let located = try labOption.locate()
        let name = located.name
        do {
            try WebServer(located: located, port: port).runBlocking { url in
                print("rawnet web: \(url) (lab '\(name)'); Ctrl-C stops")
                Terminal.flushStandardOutput()
            }
        } catch {
            throw Failure("\(error)")
        }
    }
}
