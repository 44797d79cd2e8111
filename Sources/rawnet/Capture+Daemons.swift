import RawNetContracts
import RawNetLabModel
import RawNetPlatform
import RawNetWatch

/// The default capture (a file per link, no filter, no count) written by the daemons
/// themselves: the daemon at each link's recorded end appends that link's frames to its
/// file (`capture interface= file=` on its control socket, see `FrameCaptures`), so no frame
/// crosses a socket to be written. The files hold what the streamed capture would store,
/// and nothing is lost to a slow reader.
struct DaemonCapture {
    struct Point {
        let node: String
        let interface: String
        let place: String
        /// The file as the user named it (relative or not) and as the daemon opens it (absolute).
        let shown: String
        let path: String
        /// How the file ended, as its daemon answered `capture stop` (nil: no answer).
        var outcome: CaptureOutcome?
    }

    let labName: String
    let clients: [String: ControlClient]
    var points: [Point]
    /// Nodes whose daemon closed its control connection while the capture ran.
    private(set) var endedNodes: [String] = []

    /// Connects to every node that answers, picks one end of each link (`CapturePoints`)
    /// and asks each daemon to start its files; `beside` names them as the streamed capture does.
    /// `linkTarget`: record that one link (a target such as `alice-r1`) into `path` itself.
    init(located: LabLocator.Located, topology: Topology, beside path: String, linkTarget: String? = nil) throws {
        labName = located.name
        let socketPaths = SocketPaths(runDirectory: located.runDirectory)
        var clients: [String: ControlClient] = [:]
        var absent: [String] = []
        for node in topology.nodes.map(\.name) {
            do {
                clients[node] = try ControlClient(path: socketPaths.control(node: node))
            } catch {
                if case .notRunning = error { absent.append(node); continue }
                throw Failure("cannot reach \(node): \(error)")
            }
        }
        guard !clients.isEmpty else { throw Failure("no node of lab '\(located.name)' answers on its control socket") }
        if !absent.isEmpty {
            printToStandardError("not watching \(absent.joined(separator: ", ")): nothing answers on its control socket (a linux node that is not attached, or a daemon that is down)")
        }
        let files: [(place: String, path: String)]
        if let linkTarget {
            guard let place = CapturePoints.place(ofLinkTarget: linkTarget, topology: topology, watched: Set(clients.keys)) else {
                throw Failure("neither end of link \(linkTarget) answers on its control socket")
            }
            files = [(place, path)]
        } else {
            files = CapturePoints(topology: topology, watched: Set(clients.keys)).files(beside: path)
        }
        let directory = FileSystem.currentDirectory()
        points = files.map { place, file in
            let parts = place.split(separator: ":", maxSplits: 1).map(String.init)
            return Point(node: parts[0], interface: parts.count > 1 ? parts[1] : "",
                         place: place, shown: file, path: file.hasPrefix("/") ? file : directory + "/" + file)
        }
        self.clients = clients
        for point in points {
            guard let client = clients[point.node] else { continue }
            let answer: ControlResponse
            do {
                answer = try client.request(ControlRequest(command: "capture", args: ["interface": point.interface, "file": point.path]))
            } catch {
                stop()
                throw Failure("cannot start the capture on \(point.place): \(error)")
            }
            guard answer.ok else {
                stop()
                throw Failure(answer.error ?? "\(point.node) refused to capture \(point.place)")
            }
        }
    }

    /// Waits for `duration` (nil: until Ctrl-C or SIGTERM), or until every daemon went away.
    mutating func wait(duration: Double?) throws {
        let loop: EventLoop
        do { loop = try EventLoop() } catch { throw Failure("cannot create an event loop: \(error)") }
        final class Ended { var nodes: [String] = [] }
        let ended = Ended(), total = clients.count
        do {
            for signal in [SignalNumber.interrupt, SignalNumber.terminate] {
                try loop.onSignal(signal) { _ in loop.stop() }
            }
            for (node, client) in clients {
                try loop.setReadHandler(for: client.fileDescriptor) {
                    // The daemons say nothing while they capture: readable means gone.
                    do {
                        while try client.readAvailable() {}
                    } catch {
                        loop.remove(client.fileDescriptor)
                        ended.nodes.append(node)
                        if ended.nodes.count == total { loop.stop() }
                    }
                }
            }
        } catch {
            throw Failure("cannot wait for Ctrl-C: \(error)")
        }
        if let duration { _ = loop.schedule(after: .nanoseconds(Int64(duration * 1e9))) { loop.stop() } }
        do { try loop.run() } catch { throw Failure("waiting: \(error)") }
        endedNodes = ended.nodes.sorted()
    }

    /// Ends every daemon's files and learns how many packets each holds.
    mutating func stop() {
        for (node, client) in clients where !endedNodes.contains(node) {
            let answer = try? client.request(ControlRequest(command: "capture", args: ["stop": "1"]), timeout: .seconds(10))
            let counts = answer.flatMap { answer -> [String: String]? in
                guard answer.ok, case .object(let fields)? = answer.result else { return nil }
                return fields.compactMapValues { if case .string(let text) = $0 { text } else { nil } }
            } ?? [:]
            for index in points.indices where points[index].node == node {
                if let answer = counts[points[index].interface] { points[index].outcome = CaptureOutcome(answer: answer) }
            }
        }
    }

    /// One line per file: its path and how many packets it holds (as the streamed capture says it).
    var summaryLines: [String] {
        PerLinkCapture.summaryLines(points.map { ($0.shown, $0.place, $0.outcome) })
    }

    /// Packets written in all files whose daemon said how many.
    var packetCount: Int { points.reduce(0) { $0 + ($1.outcome?.packets ?? 0) } }

    /// The files a daemon stopped writing because a write failed (a full disk).
    var failedPlaces: [String] { points.filter { $0.outcome?.isFailed ?? false }.map(\.place) }
}
