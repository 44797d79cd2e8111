import Logging
import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetPlatform
import RawNetView

/// A process that sends frames out of link ports, each through its
/// interface's egress `ImpairmentEngine`: a node daemon (`NodeDaemon`) or an
/// attached linux node's bridge (`LinuxBridge`). How a frame leaves, how an
/// impairment's actions are counted and traced, and the `impair` control
/// command are written once here for both.
protocol ImpairedEgress: AnyObject {
    var node: TopologyNode { get }
    var logger: Logger { get }
    /// The time of the loop's current wake-up.
    var now: Instant { get }
    var ports: [any FramePort] { get }
    var impairments: [ImpairmentEngine] { get set }
    /// `node:interface` of each interface's peer, nil when not cabled.
    var peers: [String?] { get }
    /// True when frames skip the impairment engines (nodes only, for benchmarks).
    var isImpairmentBypassed: Bool { get }
    /// Whether anyone watches the trace (events are built only then).
    var isTracing: Bool { get }
    /// Counts one dropped frame on interface `index`.
    func countDrop(_ reason: DropReason, interface index: Int)
    /// The wall-clock time trace events of this wake-up carry (see `TraceClock`).
    var wallTime: Int64 { get }
    /// A fresh wall-clock reading for a frame about to be written to a link.
    var sendTime: Int64 { get }
    /// A frame went onto the link of interface `index` (count it; trace it as
    /// sent at `time`, the stamp taken before the write, nil when not tracing).
    func frameLeft(_ frame: [UInt8], interface index: Int, time: Int64?)
    /// A frame counted by `frameLeft` was dropped from the link's queue after all:
    /// take it back out of the interface's sent counts.
    func frameNeverLeft(_ frame: [UInt8], interface index: Int)
    /// The interface a frame on the port of interface `index` was sent from: a VLAN
    /// subinterface sharing the port, or the interface itself.
    func sendingInterface(of frame: [UInt8], port index: Int) -> Int
    /// Streams one `dropped` or `impaired` event about a frame on interface `index`.
    func traceEgress(_ kind: TraceEvent.Kind, interface index: Int, bytes: [UInt8], reason: String, detail: String?)
    /// Streams one event to every subscriber.
    func broadcast(_ event: TraceEvent)
}

extension ImpairedEgress {
    /// Puts a frame through the interface's impairment, then onto the link.
    func egress(_ frame: [UInt8], on index: Int) {
        guard impairments.indices.contains(index) else { return }
        if isImpairmentBypassed || impairments[index].passThroughIfIdle() {
            put(frame, on: index)
            return
        }
        let outcome = impairments[index].submit(frame, now: now)
        if outcome.isPassThrough {
            put(frame, on: index)
            return
        }
        account(outcome, frame: frame, on: index)
        impairments[index].release(now: now) { put($0.bytes, on: index) }
    }

    /// Sends every frame whose impairment deadline has come.
    func releaseDueFrames() {
        for index in impairments.indices {
            impairments[index].release(now: now) { put($0.bytes, on: index) }
        }
    }

    /// The earliest deadline of the impairment engines, if any holds a frame.
    var earliestImpairmentDeadline: Instant? {
        var next: Instant?
        // By index: iterating the values would copy each engine on every wake-up.
        for index in impairments.indices {
            if let deadline = impairments[index].nextDeadline(), next.map({ deadline < $0 }) ?? true { next = deadline }
        }
        return next
    }

    func sendingInterface(of frame: [UInt8], port index: Int) -> Int { index }

    /// Hands a frame to the link socket, counting what the port drops.
    func put(_ frame: [UInt8], on index: Int) {
        // Stamped before the write: the receiver's stamp, taken after its read, is then never earlier.
        let stamp = isTracing ? sendTime : nil
        guard let reason = ports[index].send(frame) else {
            frameLeft(frame, interface: index, time: stamp)
            return
        }
        let dropReason = DropReason(reason)
        countDrop(dropReason, interface: index)
        if isTracing {
            traceEgress(.dropped, interface: index, bytes: frame, reason: dropReason.rawValue, detail: reason.description)
        }
    }

    /// Has the port of interface `index` report the frames it took and dropped later
    /// (what waited in its egress queue when the cable broke): counted on the interface
    /// and traced as dropped, after the `sent` event of its hand-over.
    func watchQueuedDrops(on index: Int) {
        ports[index].onQueuedDrop = { [unowned self] reason, frame in
            guard CarrierSignal.state(in: frame) == nil else { return }
            let index = self.sendingInterface(of: frame, port: index)
            let dropReason = DropReason(reason)
            self.frameNeverLeft(frame, interface: index)
            self.countDrop(dropReason, interface: index)
            if self.isTracing {
                self.traceEgress(.dropped, interface: index, bytes: frame, reason: dropReason.rawValue,
                                 detail: "\(reason) after waiting in the link's egress queue")
            }
        }
    }

    /// Counts and traces what the impairment did to one submitted frame:
    /// drops are counted on the interface ("injected loss", "queue overflow")
    /// and streamed as `.dropped`; every other action is streamed as `.impaired`.
    func account(_ outcome: ImpairmentOutcome, frame: [UInt8], on index: Int) {
        for event in outcome.allEvents {
            switch event {
            case .passed:
                continue
            case .dropped(let reason):
                let dropReason = DropReason(reason)
                countDrop(dropReason, interface: index)
                if isTracing {
                    let traced = reason == .burstLoss ? "burst loss" : dropReason.rawValue
                    traceEgress(.dropped, interface: index, bytes: frame, reason: traced,
                                detail: "impairment: \(reason)")
                }
            default:
                if isTracing {
                    // The reason says what happened ("delayed 30ms"); the frame says which it was.
                    traceEgress(.impaired, interface: index, bytes: frame, reason: impairmentTraceReason(event), detail: nil)
                }
            }
        }
    }

    /// `impair` on the egress of interface `index` (found from `interface=NAME` by the caller),
    /// [direction=out] and one of:
    /// - `settings="loss 20% delay 10ms"` (action `set`, the default with settings): replaces every setting;
    /// - `action=update settings="loss 5%"`: changes only the options named, keeping the others;
    /// - `action=clear`: a perfect wire (frames in flight still leave, held ones are let go);
    /// - `action=show` (the default without settings);
    /// - `action=drop-next filter="tcp and seq 27" [count=N]` or `action=corrupt-next …`: a
    ///   one-shot rule for the next N (default 1) frames the trace filter picks; it replaces
    ///   an earlier rule of the same action; `clear` removes rules too.
    /// A `seed` among the settings restarts the random streams from it, even if it is unchanged.
    func impair(_ args: [String: String], interface index: Int) -> ControlResponse {
        let name = node.interfaces[index].name
        let direction = args["direction"]?.lowercased() ?? "out"
        guard ["out", "egress", "tx"].contains(direction) else {
            let peer = peers[index].map { " (impair \($0) instead)" } ?? ""
            return .failure("impairments apply to frames leaving an interface: direction must be 'out'; to impair frames arriving on \(name), impair its peer's egress\(peer)")
        }
        let action = args["action"]?.lowercased() ?? (args["settings"] == nil ? "show" : "set")
        switch action {
        case "show":
            break
        case "clear":
            guard !isImpairmentBypassed else { return bypassedFailure() }
            impairments[index].clear(now: now)
            impairments[index].removeRules()
            logger.info("\(name) impairment cleared")
        case "set", "update":
            guard !isImpairmentBypassed else { return bypassedFailure() }
            let text = args["settings"] ?? ""
            var settings = action == "set" ? ImpairmentSettings.perfect : impairments[index].settings
            var given = ImpairmentSettings.perfect
            do {
                try settings.apply(parsing: text)
                try given.apply(parsing: text)
            } catch {
                return .failure("bad impairment settings '\(text)': \(error)")
            }
            let dropped = impairments[index].update(settings, now: now)
            for _ in 0..<dropped { countDrop(.queueOverflow, interface: index) }
            if let seed = given.seed { impairments[index].reseed(seed) }
            logger.info("\(name) impairment: \(impairments[index].settings)")
        case ImpairmentRule.Action.drop.rawValue, ImpairmentRule.Action.corrupt.rawValue:
            guard !isImpairmentBypassed else { return bypassedFailure() }
            guard let rule = impairmentRule(action, args, node: node.name, interface: name) else {
                return .failure(impairmentRuleProblem(action, args))
            }
            impairments[index].addRule(rule)
            logger.info("\(name) rule: \(action) '\(rule.filter)' ×\(rule.remaining)")
        default:
            return .failure("impair action must be set, update, clear, show, drop-next or corrupt-next, not '\(action)'")
        }
        return .success(impairAnswer(index))
    }

    func impairAnswer(_ index: Int) -> ImpairAnswer {
        let engine = impairments[index]
        return ImpairAnswer(interface: node.interfaces[index].name, settings: engine.settings.description,
                            isPerfect: engine.settings.isPerfect, counters: engine.counters,
                            pendingFrames: engine.pendingCount, seed: String(engine.seed),
                            isBypassed: isImpairmentBypassed,
                            rules: engine.rules.map {
                                ImpairRuleAnswer(action: $0.action.rawValue, filter: $0.filter,
                                                 remaining: $0.remaining, applied: $0.applied)
                            })
    }

    private func bypassedFailure() -> ControlResponse {
        .failure("\(node.name) runs with the impairment engine bypassed (\(NodeDaemon.bypassEnvironmentVariable)=1): impairments cannot be changed")
    }
}

/// The rule `args` describe (`filter`, optional `count` from 1 to 1000), nil when they are bad.
func impairmentRule(_ action: String, _ args: [String: String], node: String, interface: String) -> ImpairmentRule? {
    guard let kind = ImpairmentRule.Action(rawValue: action), let text = args["filter"],
          !text.allSatisfy(\.isWhitespace), let filter = try? TraceFilter(parsing: text) else { return nil }
    var count = 1
    if let given = args["count"] {
        guard let number = Int(given), (1...1000).contains(number) else { return nil }
        count = number
    }
    return ImpairmentRule(kind, filter: text, count: count,
                          chooser: TraceFilterChooser(filter: filter, node: node, interface: interface))
}

/// Why `impairmentRule` refused `args`.
func impairmentRuleProblem(_ action: String, _ args: [String: String]) -> String {
    guard let text = args["filter"], !text.allSatisfy(\.isWhitespace) else {
        return "\(action) needs filter=TEXT, e.g. filter=\"tcp and seq 27\""
    }
    do { _ = try TraceFilter(parsing: text) } catch { return "\(action): \(error)" }
    return "\(action): count must be a number from 1 to 1000, not '\(args["count"] ?? "")'"
}

/// The short reason a trace shows for one impairment action.
func impairmentTraceReason(_ event: ImpairmentEvent) -> String {
    switch event {
    case .heldBack(let frames):
        // What a learner needs: why it waits, and for what (the hold also ends after a second).
        return "held back until \(frames) later frame\(frames == 1 ? " has" : "s have") left (reorder)"
    // Read by people: a jittered delay to the microsecond, not the nanosecond (24.733ms).
    case .delayed(let wait):
        return "delayed \(ImpairmentText.readable(wait))"
    case .queued(let behind, let wait):
        return "queued behind \(behind) for \(ImpairmentText.readable(wait))"
    default: return event.description
    }
}
