import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetPlatform
import RawNetView

/// Why a trace stream could not start.
public struct TraceStreamError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// Trace events from several daemons at once: one `subscribe` connection per
/// node, all watched by one event loop, merged into time order.
///
/// Each daemon stamps its events with the wall clock; events from different
/// daemons arrive on different sockets, so a frame's `received` line may reach
/// us before the neighbour's `sent` line. `take(settledFor:)` hands out only
/// events older than a short settling time, sorted by time, so the merged
/// stream reads in the order things happened.
///
/// A node whose daemon ends its stream (`rawnet stop`, a crash) is subscribed again when
/// its daemon is back (`rawnet start`), with the same request: `takeChanges()` says when a
/// stream ended and when it resumed, and how long the daemon had run unseen by then.
/// Once the lab's run directory is gone (`rawnet down`), no node is waited for.
///
/// Daemons are read fairly: each turn of the loop reads at most one chunk from each
/// daemon with data waiting and takes at most `linesPerTurn` of its lines, so a flood
/// from one daemon never starves the others (their events would settle late).
///
///     let stream = try TraceStream(runDirectory: dir, nodes: ["alice", "r1"])
///     while !stream.isInterrupted {
///         stream.read(for: .milliseconds(200))
///         for event in stream.take() { print(event) }
///     }
public final class TraceStream {
    /// The subscribed nodes.
    public private(set) var nodes: [String] = []
    /// Nodes whose daemon closed the stream (stopped or crashed).
    public private(set) var endedNodes: [String] = []
    /// Why a daemon ended a node's stream, when it said so in a last line
    /// (a subscriber cut for falling too far behind).
    public private(set) var endReasons: [String: String] = [:]
    /// True after SIGINT or SIGTERM when `stopOnInterrupt()` was called.
    public private(set) var isInterrupted = false
    /// Events read so far (all of them, handed out or not).
    public private(set) var eventCount = 0
    /// Lines that were not trace events (should not happen; counted, not fatal).
    public private(set) var badLines = 0

    private let loop: EventLoop
    private var clients: [String: ControlClient] = [:]
    private let runDirectory: String
    private let paths: SocketPaths
    /// What each subscribed node was asked (`subscribe` arguments), to ask again on a resume.
    private var requests: [String: [String: String]] = [:]
    /// Nodes whose stream ended while their lab still runs: asked again (`requests`) every `resumeInterval`.
    private var resuming: Set<String> = []
    private var nextResumeAttempt: Int64 = 0
    /// Ends not yet said: said at the next attempt to resume, unless the lab is gone by then
    /// (`rawnet down` stops every daemon, then removes the run directory: no news per node).
    private var unsaidEnds: [StreamChange] = []
    static let resumeInterval: Int64 = 250_000_000
    private var changes: [StreamChange] = []
    /// Lines taken from one daemon per turn, at most.
    static let linesPerTurn = 256
    /// Nodes with more whole lines read than one turn takes: their socket is not read again
    /// until these are taken, and the loop does not wait while any is left.
    private var backlogged: Set<String> = []
    /// Where the next turn starts among `nodes`, so no daemon is always served first.
    private var turn = 0
    private var pending: [(event: TraceEvent, order: Int)] = []

    /// Nodes left out because nothing answered on their control socket
    /// (with `skippingAbsent`: a linux node not attached, a daemon that is down).
    public private(set) var absentNodes: [String] = []

    /// Nodes that answered but were not subscribed: `scope` wanted none of their interfaces.
    public private(set) var unneededNodes: [String] = []
    /// Every node that answered on its control socket, subscribed or not.
    public var answeringNodes: [String] { nodes + unneededNodes }

    /// Subscribes to every node in `nodes` (daemons of the lab in `runDirectory`).
    /// With `skippingAbsent`, a node whose control socket has no daemon behind it
    /// is left out (listed in `absentNodes`) instead of failing the whole stream,
    /// unless no node at all answers. With `detailBudget`, each daemon streams at most that
    /// many events a second one by one and counts the rest (`counted` events, `TraceSummary`),
    /// as the web view asks; without it, every event (`trace`, `capture`). `scope`, given the
    /// nodes that answered, may name the interfaces to stream per node (`subscribe
    /// interfaces=`): the daemon then builds no event of the others for this stream; a node
    /// given no interface is not subscribed (`unneededNodes`), one left out streams everything.
    public init(runDirectory: String, nodes: [String], skippingAbsent: Bool = false,
                detailBudget: Int? = nil, scope: (([String]) -> [String: [String]])? = nil) throws(TraceStreamError) {
        do { loop = try EventLoop() } catch { throw TraceStreamError("cannot create an event loop: \(error)") }
        self.runDirectory = runDirectory
        let paths = SocketPaths(runDirectory: runDirectory)
        self.paths = paths
        var connected: [(node: String, client: ControlClient)] = []
        var absent: [String] = []
        for node in nodes {
            do {
                guard let client = try Self.connect(paths.control(node: node), skippingAbsent: skippingAbsent) else {
                    absent.append(node)
                    continue
                }
                connected.append((node, client))
            } catch {
                throw TraceStreamError("cannot subscribe to \(node): \(error)")
            }
        }
        let scopes = scope?(connected.map(\.node)) ?? [:]
        var subscribed: [String] = []
        var unneeded: [String] = []
        for (node, client) in connected {
            var args = detailBudget.map { ["budget": String($0)] } ?? [:]
            if let interfaces = scopes[node] {
                if interfaces.isEmpty {
                    unneeded.append(node)   // its connection closes as the client goes
                    continue
                }
                args["interfaces"] = interfaces.joined(separator: ",")
            }
            do {
                let answer = try client.request(ControlRequest(command: "subscribe", args: args))
                guard answer.ok else { throw TraceStreamError("\(node) refused to stream: \(answer.error ?? "no reason")") }
            } catch let error as TraceStreamError {
                throw error
            } catch {
                throw TraceStreamError("cannot subscribe to \(node): \(error)")
            }
            do {
                try watch(client, of: node)
            } catch {
                throw TraceStreamError("cannot watch \(node)'s control socket: \(error)")
            }
            requests[node] = args
            subscribed.append(node)
        }
        if subscribed.isEmpty && !nodes.isEmpty && unneeded.isEmpty {
            throw TraceStreamError("no node answers on its control socket (\(absent.joined(separator: ", ")))")
        }
        self.nodes = subscribed
        absentNodes = absent
        unneededNodes = unneeded
    }

    deinit { close() }

    /// A client on `path`; nil when no daemon is there and `skippingAbsent` allows that.
    private static func connect(_ path: String, skippingAbsent: Bool) throws(ControlClientError) -> ControlClient? {
        do {
            return try ControlClient(path: path)
        } catch {
            if skippingAbsent, case .notRunning = error { return nil }
            throw error
        }
    }

    /// Makes Ctrl-C (SIGINT) and SIGTERM end `read` and set `isInterrupted`,
    /// instead of killing the process, so the caller can finish cleanly.
    public func stopOnInterrupt() throws(TraceStreamError) {
        do {
            for signal in [SignalNumber.interrupt, SignalNumber.terminate] {
                try loop.onSignal(signal) { [unowned self] _ in
                    self.isInterrupted = true
                    self.loop.stop()
                }
            }
        } catch {
            throw TraceStreamError("cannot catch Ctrl-C: \(error)")
        }
    }

    /// True when every subscribed daemon has closed its stream and none is waited for:
    /// the lab is down, or the stream was told not to wait (`close`).
    public var isFinished: Bool { clients.isEmpty && resuming.isEmpty }

    /// A node's stream ended, or resumed after its daemon started again.
    public struct StreamChange: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// The daemon closed the stream (it stopped or crashed); it is waited for while the lab runs.
            case ended
            /// Subscribed again; the daemon had run `unseen` nanoseconds before (nil: unknown),
            /// and what it did then is not in the stream.
            case resumed(unseen: Int64?)
        }
        public var node: String
        public var kind: Kind
        /// Wall-clock nanoseconds when this stream saw it.
        public var time: Int64

        /// The change in words. The time a restarted daemon ran before it was watched again
        /// is said, so the gap in what is shown is visible.
        public func text(korean: Bool) -> String {
            switch kind {
            case .ended: StreamNotes.ended(node, korean: korean)
            case .resumed(let unseen): StreamNotes.resumed(node, seconds: unseen.map { Self.seconds($0) }, korean: korean)
            }
        }

        /// Nanoseconds as seconds with two decimals ("0.31").
        static func seconds(_ nanoseconds: Int64) -> String {
            let hundredths = (max(0, nanoseconds) + 5_000_000) / 10_000_000
            let fraction = hundredths % 100
            return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
        }
    }

    /// The changes since the last call, in the order seen.
    public func takeChanges() -> [StreamChange] {
        defer { changes.removeAll() }
        return changes
    }

    /// Reads whatever arrives for `duration` (less if interrupted or every stream ended).
    public func read(for duration: Duration) {
        read(for: duration, evenIfInterrupted: false)
    }

    /// Events read and not yet taken beyond which a live read stops reading: a watcher slower
    /// than the lab then leaves the rest in the daemons, which count what they cannot hold as
    /// a gap, instead of its own memory growing with the flood.
    static let maximumPending = 16_384

    private func read(for duration: Duration, evenIfInterrupted: Bool) {
        let deadline = MonotonicClock.now() + duration.wholeNanoseconds
        while (evenIfInterrupted || !isInterrupted) && (!clients.isEmpty || !evenIfInterrupted && !resuming.isEmpty) {
            // A stopped watch still reads the backlog: the daemons hold at most a few MiB of it.
            if !evenIfInterrupted && pending.count >= Self.maximumPending { break }
            let now = MonotonicClock.now()
            var remaining = deadline - now
            if remaining <= 0 { break }
            if !evenIfInterrupted && !resuming.isEmpty {
                if now >= nextResumeAttempt { resume() }
                remaining = min(remaining, max(0, nextResumeAttempt - now))
            }
            do { try loop.runOnce(timeout: backlogged.isEmpty ? .nanoseconds(remaining) : .zero) } catch { break }
            takeLines()
        }
    }

    /// Reads until no event has arrived for `quiet`, at most `limit`.
    public func readUntilQuiet(quiet: Duration = .milliseconds(150), limit: Duration = .seconds(3)) {
        let deadline = MonotonicClock.now() + limit.wholeNanoseconds
        while MonotonicClock.now() < deadline && !isInterrupted && !clients.isEmpty {
            let before = eventCount
            read(for: quiet)
            if eventCount == before { break }
        }
    }

    /// After a stop (Ctrl-C included): reads what the daemons streamed before it and we
    /// had not read yet — a backlog, or the count of a gap — until nothing comes for `quiet`
    /// (at most `limit`), so a stopped watch ends with everything that happened before it.
    public func readBacklog(quiet: Duration = .milliseconds(200), limit: Duration = .seconds(5)) {
        let deadline = MonotonicClock.now() + limit.wholeNanoseconds
        while MonotonicClock.now() < deadline && !clients.isEmpty {
            let before = eventCount
            read(for: quiet, evenIfInterrupted: true)
            if eventCount == before { break }
        }
    }

    /// Events at least `settledFor` old (by the wall clock), in time order; they are
    /// removed from the stream. Later events wait for the next call.
    public func take(settledFor: Duration = .milliseconds(100)) -> [TraceEvent] {
        let limit = WallClock.now() - settledFor.wholeNanoseconds
        let ready = pending.filter { $0.event.time <= limit }
        pending.removeAll { $0.event.time <= limit }
        return ready.sorted { ($0.event.time, $0.order) < ($1.event.time, $1.order) }.map(\.event)
    }

    /// Every event not yet handed out, in time order.
    public func takeAll() -> [TraceEvent] {
        let all = pending.sorted { ($0.event.time, $0.order) < ($1.event.time, $1.order) }.map(\.event)
        pending.removeAll()
        return all
    }

    /// Ends every subscription.
    public func close() {
        for (_, client) in clients { loop.remove(client.fileDescriptor) }
        clients.removeAll()
        backlogged.removeAll()
        resuming.removeAll()
        unsaidEnds.removeAll()
    }

    /// `client`, subscribed for `node`, read from now on. The loop only waits for data; each
    /// turn reads (`takeLines`), so reading goes on after a stop (Ctrl-C), when the loop no
    /// longer calls handlers.
    private func watch(_ client: ControlClient, of node: String) throws {
        try loop.setReadHandler(for: client.fileDescriptor) {}
        clients[node] = client
    }

    /// Asks each node waited for whether its daemon is back, and subscribes again those that are.
    private func resume() {
        nextResumeAttempt = MonotonicClock.now() + Self.resumeInterval
        // The lab was taken down: nothing will come back.
        guard FileSystem.exists(runDirectory) else {
            resuming.removeAll()
            unsaidEnds.removeAll()
            return
        }
        changes += unsaidEnds
        unsaidEnds.removeAll()
        for node in resuming.sorted() {
            guard let args = requests[node], let client = try? ControlClient(path: paths.control(node: node)) else { continue }
            var unseen: Int64?
            if let answer = try? client.request(ControlRequest(command: "status"), timeout: .seconds(1)), answer.ok,
               let status = try? answer.result?.decode(NodeStatus.self) {
                unseen = Int64(status.uptimeSeconds * 1e9)
            }
            guard let answer = try? client.request(ControlRequest(command: "subscribe", args: args), timeout: .seconds(1)),
                  answer.ok, (try? watch(client, of: node)) != nil else { continue }
            resuming.remove(node)
            endedNodes.removeAll { $0 == node }
            endReasons[node] = nil
            changes.append(StreamChange(node: node, kind: .resumed(unseen: unseen), time: WallClock.now()))
        }
    }

    /// One turn: from each daemon, one chunk of what its socket holds (unless lines read
    /// earlier still wait) and at most `linesPerTurn` lines, starting with a different daemon
    /// each time.
    private func takeLines() {
        guard !nodes.isEmpty else { return }
        turn = (turn + 1) % nodes.count
        for offset in 0..<nodes.count {
            let node = nodes[(turn + offset) % nodes.count]
            guard let client = clients[node] else { continue }
            if !backlogged.contains(node) {
                do { _ = try client.readAvailable() } catch {
                    end(node)
                    continue
                }
            }
            var taken = 0
            while taken < Self.linesPerTurn, let line = client.bufferedLine() {
                taken += 1
                accept(line, from: node)
            }
            if taken == Self.linesPerTurn { backlogged.insert(node) } else { backlogged.remove(node) }
        }
    }

    private func accept(_ line: [UInt8], from node: String) {
        guard !line.isEmpty else { return }
        if let event = try? ControlCodec.decodeTraceLine(from: line) {
            pending.append((event, eventCount))
            eventCount += 1
        } else if let answer = try? ControlCodec.decodeLine(ControlResponse.self, from: line), !answer.ok {
            endReasons[node] = answer.error ?? "no reason given"
        } else {
            badLines += 1
        }
    }

    /// The daemon closed the stream: what it sent before is taken first.
    private func end(_ node: String) {
        guard let client = clients[node] else { return }
        while let line = client.bufferedLine() { accept(line, from: node) }
        loop.remove(client.fileDescriptor)
        clients[node] = nil
        backlogged.remove(node)
        endedNodes.append(node)
        // A daemon that cut this subscriber (it said why) is not asked again; a stopped one is.
        if endReasons[node] == nil, requests[node] != nil, FileSystem.exists(runDirectory) {
            resuming.insert(node)
            unsaidEnds.append(StreamChange(node: node, kind: .ended, time: WallClock.now()))
            nextResumeAttempt = MonotonicClock.now() + Self.resumeInterval
        }
    }
}

private extension Duration {
    /// Whole nanoseconds (saturating), for arithmetic on the monotonic clock.
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return ns &+ attoseconds / 1_000_000_000
    }
}
