import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetView

/// A target named on the command line of `trace` or `capture` that means nothing in the lab.
public struct TraceSelectionError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// Which daemons to subscribe to and which of their events to keep, from the
/// targets typed after `rawnet trace`: `NODE` (all its interfaces and node
/// events), `NODE:IF` (one interface), or a link — `A:IF-B:IF` as `rawnet status`
/// names it, or `A-B` when one link joins nodes A and B (both ends). No target
/// means every node.
public struct TraceSelection: Sendable {
    /// One place to watch: a whole node, or one of its interfaces.
    public struct Scope: Hashable, Sendable {
        public var node: String
        public var interface: String?
    }

    /// The nodes to subscribe to, in topology order.
    public let nodes: [String]
    /// What to keep; nil keeps everything the nodes report.
    public let scopes: Set<Scope>?

    public init(targets: [String], topology: Topology) throws(TraceSelectionError) {
        guard !targets.isEmpty else {
            nodes = topology.nodes.map(\.name)
            scopes = nil
            return
        }
        var scopes = Set<Scope>()
        for target in targets {
            scopes.formUnion(try Self.scopes(for: target, topology: topology))
        }
        let wanted = Set(scopes.map(\.node))
        nodes = topology.nodes.map(\.name).filter(wanted.contains)
        self.scopes = scopes
    }

    /// True when `event` happened in a selected place.
    public func includes(_ event: TraceEvent) -> Bool {
        guard let scopes else { return true }
        if scopes.contains(Scope(node: event.node, interface: nil)) { return true }
        // A gap in a node's stream may hide events of any of its interfaces: it is always shown.
        guard let interface = event.interface else { return event.kind == .lost && scopes.contains { $0.node == event.node } }
        return scopes.contains(Scope(node: event.node, interface: interface))
    }

    static func scopes(for target: String, topology: Topology) throws(TraceSelectionError) -> [Scope] {
        let nodeNames = topology.nodes.map(\.name).joined(separator: ", ")
        if let node = topology.node(named: target) { return [Scope(node: node.name, interface: nil)] }
        if let endpoint = LinkEndpoint(target) {
            guard let node = topology.node(named: endpoint.node) else {
                throw TraceSelectionError("'\(target)': \(topology.noNodeMessage(endpoint.node))")
            }
            guard node.interface(named: endpoint.interface) != nil else {
                let names = node.interfaces.map(\.name).joined(separator: ", ")
                throw TraceSelectionError("'\(target)': node '\(node.name)' has no interface '\(endpoint.interface)' (has \(names))")
            }
            return [Scope(node: endpoint.node, interface: endpoint.interface)]
        }
        if let link = topology.links.first(where: { $0.name == target }) {
            return [Scope(node: link.a.node, interface: link.a.interface), Scope(node: link.b.node, interface: link.b.interface)]
        }
        let parts = target.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 2 {
            let joining = topology.links.filter { Set([$0.a.node, $0.b.node]) == Set(parts) }
            if joining.count == 1, let link = joining.first {
                return [Scope(node: link.a.node, interface: link.a.interface), Scope(node: link.b.node, interface: link.b.interface)]
            }
            if joining.count > 1 {
                throw TraceSelectionError("'\(target)': several links join \(parts[0]) and \(parts[1]); name one as A:IF-B:IF (\(joining.map(\.name).joined(separator: ", ")))")
            }
        }
        let links = topology.links.map(\.name).joined(separator: ", ")
        throw TraceSelectionError("'\(target)' is not a node, NODE:INTERFACE or link of lab '\(topology.name)'\(topology.didYouMean(target)) (nodes: \(nodeNames); links: \(links))")
    }
}

/// Keeps one line per frame per hop: a frame that crosses a cable is reported
/// twice — `sent` by one end, `received` by the other — and this drops the
/// `received` twin when its `sent` line was seen (same bytes, the link's other
/// end, within a second). A frame forwarded by a router thus shows as one line
/// per cable it crossed. A received frame whose sender is not watched still shows.
public struct HopFilter: Sendable {
    private var peers: [String: String] = [:]
    /// Frames sent recently, by the place they will be received.
    private var expected: [String: [(frame: [UInt8], time: Int64)]] = [:]

    /// How many of a place's sent lines a received line is compared with.
    static let pairingWindow = 256

    public init(topology: Topology) {
        for link in topology.links {
            peers["\(link.a)"] = "\(link.b)"
            peers["\(link.b)"] = "\(link.a)"
        }
    }

    /// Which of `events` (a batch in time order) to show. A `sent` line stamped a
    /// little after its `received` twin (the sender stamps after handing the frame
    /// over) is still paired, as long as both are in the batch.
    public mutating func admit(_ events: [TraceEvent]) -> [Bool] {
        var shown = [Bool](repeating: true, count: events.count)
        // Pair received lines with sent lines of the same batch first, in either order.
        var sentIndices: [String: [Int]] = [:]
        for (index, event) in events.enumerated() where event.kind == .sent {
            guard let interface = event.interface, let peer = peers[event.node + ":" + interface] else { continue }
            sentIndices[peer, default: []].append(index)
        }
        var paired = Set<Int>()
        // Each place's sent lines are looked at from the first one not yet paired, at most
        // `pairingWindow` of them: twins come close together, and a batch of a flood must not
        // cost the square of its length.
        var firstUnpaired: [String: Int] = [:]
        for (index, event) in events.enumerated() where event.kind == .received {
            guard let interface = event.interface, let frame = event.frame else { continue }
            let place = event.node + ":" + interface
            guard let candidates = sentIndices[place] else { continue }
            var start = firstUnpaired[place] ?? 0
            while start < candidates.count && paired.contains(candidates[start]) { start += 1 }
            firstUnpaired[place] = start
            let end = min(candidates.count, start + Self.pairingWindow)
            if let match = candidates[start..<end].first(where: { !paired.contains($0) && events[$0].frame == frame
                                                                  && abs(events[$0].time - event.time) < 1_000_000_000 }) {
                paired.insert(match)
                shown[index] = false
            }
        }
        for (index, event) in events.enumerated() {
            if event.kind == .sent && paired.contains(index) { continue }
            if event.kind == .received && !shown[index] { continue }
            shown[index] = admits(event)
        }
        return shown
    }

    /// True when `event` should be shown; call for events in time order.
    public mutating func admits(_ event: TraceEvent) -> Bool {
        guard let interface = event.interface, let frame = event.frame else { return true }
        let place = event.node + ":" + interface
        switch event.kind {
        case .sent:
            guard let peer = peers[place] else { return true }
            var list = expected[peer, default: []].filter { event.time - $0.time < 1_000_000_000 }
            list.append((frame, event.time))
            expected[peer] = list.suffix(256)
            return true
        case .received:
            guard var list = expected[place],
                  let index = list.firstIndex(where: { $0.frame == frame && event.time - $0.time < 1_000_000_000 })
            else { return true }
            list.remove(at: index)
            expected[place] = list
            return false
        default:
            return true
        }
    }
}

/// Where `rawnet capture` records by default: one point per link, so each frame that
/// crosses a cable is stored once and Wireshark's TCP analysis sees each segment once.
/// The point is the link's second end (`b` as the topology names it) — every frame it
/// sends and every frame it receives, like a tap on that interface — or its first end
/// when the second is not watched (a linux node that is not attached). A frame dropped
/// by the first end's impairments never reaches the second end, so it is not stored.
public struct CapturePoints: Sendable {
    /// `node:interface` names of the recorded interfaces.
    public let places: Set<String>
    /// Each recorded link with its point, in topology order, and a short name for its file:
    /// `alice-r1` (the two nodes), or `alice.eth0-r1.eth1` when two links join the same nodes.
    public let links: [(place: String, name: String)]

    public init(topology: Topology, watched: Set<String>) {
        var links: [(place: String, name: String)] = []
        let pairs = topology.links.map { "\($0.a.node)-\($0.b.node)" }
        for (index, link) in topology.links.enumerated() {
            let place: String
            if watched.contains(link.b.node) { place = "\(link.b)" }
            else if watched.contains(link.a.node) { place = "\(link.a)" }
            else { continue }
            let shared = pairs.filter { $0 == pairs[index] }.count > 1
            let name = shared ? "\(link.a.node).\(link.a.interface)-\(link.b.node).\(link.b.interface)" : pairs[index]
            links.append((place, name))
        }
        self.links = links
        self.places = Set(links.map(\.place))
    }

    /// For each of `nodes`, the interfaces among the places (none for a node with no place).
    public func interfacesByNode(of nodes: [String]) -> [String: [String]] {
        var byNode: [String: [String]] = [:]
        for node in nodes { byNode[node] = [] }
        for (place, _) in links {
            guard let endpoint = LinkEndpoint(place), byNode[endpoint.node] != nil else { continue }
            byNode[endpoint.node]?.append(endpoint.interface)
        }
        return byNode
    }

    /// The one place a capture of link `target` records (its second end, or its first when the
    /// second is not watched), so each frame on it is stored once; nil when `target` is not a link.
    public static func place(ofLinkTarget target: String, topology: Topology, watched: Set<String>) -> String? {
        guard topology.node(named: target) == nil, LinkEndpoint(target) == nil,
              let scopes = try? TraceSelection.scopes(for: target, topology: topology), scopes.count == 2,
              let a = scopes.first, let b = scopes.last, let ai = a.interface, let bi = b.interface else { return nil }
        if watched.contains(b.node) { return "\(b.node):\(bi)" }
        return watched.contains(a.node) ? "\(a.node):\(ai)" : nil
    }

    /// The file of each recorded link, beside `path`: `lab.pcapng` gives `lab.alice-r1.pcapng`, …
    /// With one link only, `path` itself.
    public func files(beside path: String) -> [(place: String, path: String)] {
        guard links.count > 1 else { return links.map { ($0.place, path) } }
        let stem = path.hasSuffix(".pcapng") ? String(path.dropLast(".pcapng".count)) : path
        return links.map { ($0.place, "\(stem).\($0.name).pcapng") }
    }
}

/// A capture that writes one pcapng file per link (`CapturePoints.files`), so Wireshark's
/// TCP analysis reads each file as one tap on one cable: a segment routed over three links
/// is one packet in each of three files, never three copies in one.
public final class PerLinkCapture {
    public struct File {
        public let place: String
        public let file: GrowingFile
        public var writer: CaptureWriter
    }
    public private(set) var files: [File]

    /// Creates (or truncates) every file at once, so a link that carried nothing has an empty capture.
    public init(points: CapturePoints, beside path: String, application: String = "RawNet") throws(TraceFileError) {
        var files: [File] = []
        for (place, filePath) in points.files(beside: path) {
            files.append(File(place: place, file: try GrowingFile(path: filePath),
                              writer: CaptureWriter(application: application, onlyAt: [place])))
        }
        self.files = files
    }

    /// Adds an event to the file of the link it belongs to (a gap to every file it names);
    /// returns whether a packet was stored.
    @discardableResult
    public func add(_ event: TraceEvent) -> Bool {
        var stored = false
        for index in files.indices where files[index].writer.add(event) { stored = true }
        return stored
    }

    /// Appends what each file has not written yet.
    public func flush() throws(TraceFileError) {
        for index in files.indices {
            let bytes = files[index].writer.takeBytes()
            if !bytes.isEmpty { try files[index].file.append(bytes) }
        }
    }

    public var packetCount: Int { files.reduce(0) { $0 + $1.writer.packetCount } }
    public var droppedCount: UInt64 { files.reduce(0) { $0 + $1.writer.droppedCount } }

    /// One line per file: its path and how many packets it holds.
    public var summaryLines: [String] {
        Self.summaryLines(files.map { ($0.file.path, $0.place, .written($0.writer.packetCount)) })
    }

    /// The lines `capture` ends with, one per file, aligned: `  lab.alice-r1.pcapng  412 packets (r1:eth0)`;
    /// a file whose count is not known gets `(r1:eth0, until r1 stopped)`, and one its daemon could
    /// not go on writing says so: `(r1:eth0) stopped after 12 packets: cannot write …`.
    public static func summaryLines(_ files: [(path: String, place: String, outcome: CaptureOutcome?)]) -> [String] {
        let pathWidth = files.map { DisplayWidth.of($0.path) }.max() ?? 0
        let countWidth = files.compactMap { file -> Int? in
            if case .written(let count)? = file.outcome { return String(count).count }
            return nil
        }.max() ?? 0
        return files.map { path, place, outcome in
            let node = place.split(separator: ":").first.map(String.init) ?? place
            let text = switch outcome {
            case .written(let count)?: DisplayWidth.leftPad(String(count), countWidth) + " packets (\(place))"
            case .failed(let packets, let reason)?: "(\(place)) stopped after \(packets) packets: \(reason)"
            case nil: "(\(place), until \(node) stopped)"
            }
            return "  " + DisplayWidth.rightPad(path, pathWidth) + "  " + text
        }
    }
}

/// What a daemon answered `capture stop` for one file: the packets it holds, or
/// `failed after N packets: REASON` when a write failed and the file ended there.
public enum CaptureOutcome: Equatable, Sendable {
    case written(Int)
    case failed(packets: Int, reason: String)

    public init(answer: String) {
        if let count = Int(answer) {
            self = .written(count)
            return
        }
        // "failed after N packets: REASON"
        let words = answer.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: false)
        if words.count == 5, words[0] == "failed", words[1] == "after", let count = Int(words[2]), words[3] == "packets:" {
            self = .failed(packets: count, reason: String(words[4]))
        } else {
            self = .failed(packets: 0, reason: answer)
        }
    }

    public var isFailed: Bool { if case .failed = self { true } else { false } }

    /// The packets the file holds, however it ended.
    public var packets: Int {
        switch self {
        case .written(let count), .failed(let count, _): count
        }
    }
}
