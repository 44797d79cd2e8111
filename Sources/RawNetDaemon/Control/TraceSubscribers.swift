import RawNetContracts
import RawNetCore
import RawNetPlatform

/// The control clients that asked for `subscribe`, and what each still has to hear.
///
/// An event goes to a subscriber only while it fits under its share of unread
/// output: the control server's limit per client (`maximumPendingOutput`), or
/// a quarter of the daemon's shared budget (`sharedOutputBudget`) divided among
/// the subscribers, whichever is less — so subscribers, stalled or not, are
/// never cut for the memory they take (a buffer's capacity may be twice what it
/// holds; all of them stay under half the shared budget); what does not
/// fit is counted in a `TraceGap`, never queued. Once the subscriber has read
/// half of its backlog (or all of it, if no event comes along to notice), the
/// gap goes out as one `lost` event, in the stream where the events were missing,
/// and events flow again. So a slow `trace` or `capture` stays subscribed, the
/// daemon's memory stays bounded, and every missing event is accounted for.
///
/// A subscriber may ask for detail only up to a rate (`subscribe` with
/// `budget=EVENTS_PER_SECOND`, as `rawnet web` does): beyond it this daemon does not
/// encode each event but counts it (`TraceDetailBudget`) and streams the counts of
/// each interval as one `counted` event, so a flood costs the data path a count.
final class TraceSubscribers {
    let node: String
    private(set) var ids: Set<Int> = []
    private var gaps: [Int: TraceGap] = [:]
    private var budgets: [Int: TraceDetailBudget] = [:]
    /// The interfaces a subscriber asked for (`interfaces=`); it gets only their events.
    private var scopes: [Int: [String]] = [:]
    /// The timer that sends counts once their interval is over.
    private var summaryTimer: TimerID?
    /// Frames and other events counted while every subscriber only counts, not yet handed to the budgets (`foldFrames`).
    private var frameTally = TraceFrameTally()
    /// Until when (exclusive) every subscriber only counts, whatever the time: each has a
    /// budget, none a scope, and each budget refuses detail until then. `Int64.min`: not known.
    /// Any change to a budget, or a subscriber coming or going, sets it back to unknown.
    private var countsOnlyUntil: Int64 = .min
    private weak var control: ControlServer?
    /// Called when the set becomes empty or non-empty (a host traces its TCP only while watched).
    var onChange: () -> Void = {}

    init(node: String) {
        self.node = node
    }

    /// pcapng files this daemon writes itself (`capture`): they take frames, not events.
    let captures = FrameCaptures()

    /// No subscriber and no capture: nothing to trace.
    var isEmpty: Bool { ids.isEmpty && captures.isEmpty }

    /// Some subscriber reads events (a capture alone takes only frames sent and received).
    var hasEventSubscribers: Bool { !ids.isEmpty }

    /// Streams through `control`, forgetting clients it disconnects.
    func attach(to control: ControlServer) {
        self.control = control
        control.onDisconnect = { [unowned self] id in self.remove(id) }
        control.onDrained = { [unowned self] id in self.reportGap(of: id) }
    }

    func add(_ id: Int) {
        foldFrames()
        countsOnlyUntil = .min
        ids.insert(id)
        onChange()
    }

    /// The `subscribe` command: every event, or with `budget=N` at most N events a
    /// second in detail and the rest counted; with `interfaces=eth0,eth1` only the events
    /// of those interfaces (what a capture records there), none of the others built for it.
    func subscribe(_ id: Int, args: [String: String], interfaceNames: [String]) -> ControlResponse {
        var budget: TraceDetailBudget?
        if let text = args["budget"] {
            guard let perSecond = Int(text), (1...1_000_000).contains(perSecond) else {
                return .failure("subscribe budget=\(text): give events per second in detail, 1 to 1000000")
            }
            budget = TraceDetailBudget(eventsPerSecond: perSecond)
        }
        var scope: [String]?
        if let text = args["interfaces"] {
            let names = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if let unknown = names.first(where: { !interfaceNames.contains($0) }) {
                let known = interfaceNames.isEmpty ? "none" : interfaceNames.joined(separator: ", ")
                return .failure("subscribe interfaces=\(text): \(node) has no interface '\(unknown)' (it has \(known))")
            }
            scope = names
        }
        foldFrames()
        countsOnlyUntil = .min
        budgets[id] = budget
        scopes[id] = scope
        add(id)
        return .success(["subscribed": node])
    }

    /// The `capture` command (see `FrameCaptures`).
    func capture(_ id: Int, args: [String: String], interfaceNames: [String]) -> ControlResponse {
        let response = captures.command(args, client: id, node: node, interfaceNames: interfaceNames)
        onChange()
        return response
    }

    func remove(_ id: Int) {
        if !captures.stop(client: id).isEmpty { onChange() }
        guard ids.contains(id) else { return }
        foldFrames()
        countsOnlyUntil = .min
        ids.remove(id)
        gaps[id] = nil
        budgets[id] = nil
        scopes[id] = nil
        onChange()
    }

    /// Whether a frame sent or received at `time` would only be tallied: every subscriber only
    /// counts until later, and no capture records frames. Its stamp then needs no fresh clock
    /// reading: tallies keep no per-frame time but the first and last of an interval.
    func onlyTallies(at time: Int64) -> Bool { time < countsOnlyUntil && captures.isEmpty }

    /// Whether an event stamped `time` would go to some subscriber in detail: one without a
    /// detail budget, or one whose budget has room. When none would, the daemon does not build
    /// the event (no frame copy, no text) but `count`s it under its key, as `broadcast` would.
    func takesDetail(at time: Int64, interface: String?) -> Bool {
        if time < countsOnlyUntil { return false }
        foldFrames()
        if scopes.isEmpty {
            if budgets.count < ids.count { return true }
            for budget in budgets.values where budget.wouldAdmit(time: time) { return true }
            return false
        }
        for id in ids where wants(id, interface) {
            guard let budget = budgets[id] else { return true }
            if budget.wouldAdmit(time: time) { return true }
        }
        return false
    }

    /// Whether subscriber `id` gets events of `interface` (nil: an event of no interface).
    private func wants(_ id: Int, _ interface: String?) -> Bool {
        guard let scope = scopes[id] else { return true }
        guard let interface else { return false }
        return scope.contains(interface)
    }

    /// Counts an event nobody takes in detail (`takesDetail` said no for `time`) in every
    /// subscriber's counts, where `broadcast` would have counted the built event.
    func count(_ key: TraceSummary.Key, bytes: Int, time: Int64) {
        var index = budgets.startIndex
        while index != budgets.endIndex {
            if scopes.isEmpty || wants(budgets.keys[index], key.interface) {
                budgets.values[index].count(key, bytes: bytes, time: time)   // in place: no copy of the counts
            }
            index = budgets.index(after: index)
        }
        scheduleSummaries()
    }

    /// The one way daemons trace: builds the event (`build`) and broadcasts it only when some
    /// subscriber takes an event of `interface` at `time` in detail; otherwise counts it under
    /// `key` (the key `TraceSummary.add` would give the built event) without building it.
    func offer(time: Int64, interface: String?, bytes: Int, countedAs key: @autoclosure () -> TraceSummary.Key,
               _ build: () -> TraceEvent) {
        guard !ids.isEmpty else { return }
        if time < countsOnlyUntil {
            // As for frames: tallied under its key, handed to the budgets before anything reads them.
            armSummariesBeforeTallying()
            frameTally.add(key(), bytes: bytes, time: time)
            return
        }
        if takesDetail(at: time, interface: interface) {
            broadcast(build())
        } else {
            count(key(), bytes: bytes, time: time)
        }
        if time >= countsOnlyUntil { learnCountsOnly(at: time) }
    }

    /// `offer` for an event about a frame (or none), its fields given.
    /// A frame sent or received while every subscriber only counts is tallied with integer
    /// adds (`TraceFrameTally`) under the key it would have had.
    func offer(time: Int64, interface: String?, kind: TraceEvent.Kind, frame: [UInt8]?, reason: String? = nil,
               detail: String? = nil) {
        if !captures.isEmpty, let frame, let interface, kind == .sent || kind == .received {
            captures.add(frame, interface: interface, time: time, loop: control?.loop)
        }
        guard !ids.isEmpty else { return }
        if let frame, TraceFrameTally.counts(kind) {
            if time < countsOnlyUntil {
                armSummariesBeforeTallying()
                frameTally.add(interface: interface, kind: kind, frame: frame, time: time)
                return
            }
            offer(time: time, interface: interface, bytes: frame.count,
                  countedAs: TraceSummary.key(interface: interface, kind: kind, frame: frame, reason: reason, detail: detail)) {
                TraceEvent(time: time, node: node, interface: interface, kind: kind, frame: frame, reason: reason, detail: detail)
            }
            return
        }
        offer(time: time, interface: interface, bytes: frame?.count ?? 0,
              countedAs: TraceSummary.key(interface: interface, kind: kind, frame: frame, reason: reason, detail: detail)) {
            TraceEvent(time: time, node: node, interface: interface, kind: kind, frame: frame, reason: reason, detail: detail)
        }
    }

    /// The first event tallied makes sure the tally is handed on when the window ends, even if
    /// no event follows.
    private func armSummariesBeforeTallying() {
        if frameTally.isEmpty && summaryTimer == nil { scheduleSummaries(orAt: countsOnlyUntil) }
    }

    /// Hands the tallied frames to every budget (no subscriber has a scope while frames are
    /// tallied). Counting never makes a budget take detail sooner, so `countsOnlyUntil` holds;
    /// what can end it (a budget admitting an event, counts taken, subscribers coming or going)
    /// sets it back to unknown.
    private func foldFrames() {
        guard !frameTally.isEmpty else { return }
        let (first, last) = (frameTally.first, frameTally.last)
        let counted = frameTally.take()
        var index = budgets.startIndex
        while index != budgets.endIndex {
            for (key, tally) in counted { budgets.values[index].count(key, tally, first: first, last: last) }
            index = budgets.index(after: index)
        }
        scheduleSummaries()
    }

    /// After an event at `time` was offered: whether every subscriber only counts from
    /// `time` on, and until when (`countsOnlyUntil`).
    private func learnCountsOnly(at time: Int64) {
        guard scopes.isEmpty, !ids.isEmpty, budgets.count == ids.count else { return }
        var until = Int64.max
        for budget in budgets.values {
            guard let refuses = budget.refusesUntil(from: time) else { return }
            until = min(until, refuses)
        }
        countsOnlyUntil = until
    }

    /// Offers one event to every subscriber.
    func broadcast(_ event: TraceEvent) {
        guard !ids.isEmpty, let control else { return }
        foldFrames()
        let limit = Self.share(among: ids.count)
        // Encoded only if some subscriber can take it: a watcher that is behind costs a count, not a line.
        var encoded: [UInt8]?
        for id in ids {
            if !scopes.isEmpty && !wants(id, event.interface) { continue }
            // Over its budget, the event is counted for this subscriber (in place: no copy of the counts).
            if let admitted = budgets[id]?.admit(event) {
                guard admitted else {
                    scheduleSummaries()
                    continue
                }
                countsOnlyUntil = .min   // a detailed event may open a new window
            }
            guard let pending = control.pendingOutput(of: id) else { continue }
            if gaps[id] != nil {
                // Resume only once half the backlog is read, so a gap is one line, not one per event.
                if pending > limit / 2 {
                    gaps[id]?.add(event)
                    continue
                }
                reportGap(of: id)
            }
            if encoded == nil { encoded = ControlCodec.encodeTraceLine(event) }
            guard let line = encoded, !line.isEmpty else { return }
            guard let queued = control.pendingOutput(of: id) else { continue }   // gone while its gap was sent
            if queued + line.count > limit {
                gaps[id, default: TraceGap()].add(event)
                continue
            }
            control.send(line, to: id)
        }
    }

    /// Unread bytes one of `count` subscribers may have queued.
    static func share(among count: Int) -> Int {
        min(ControlServer.maximumPendingOutput, ControlServer.sharedOutputBudget / (4 * max(1, count)))
    }

    /// Arms the timer for the earliest counts due (or `orAt`, when earlier), unless it is armed.
    private func scheduleSummaries(notBefore minimum: Int64 = 0, orAt time: Int64 = .max) {
        guard summaryTimer == nil, let control else { return }
        var due = time
        for budget in budgets.values { if let deadline = budget.deadline { due = min(due, deadline) } }
        guard due != .max else { return }
        let delay = max(minimum, due - WallClock.now())
        summaryTimer = control.loop.schedule(after: .nanoseconds(delay)) { [weak self] in
            guard let self else { return }
            self.summaryTimer = nil
            self.sendDueSummaries()
        }
    }

    /// Streams each subscriber's counts whose interval is over, when they fit its share;
    /// counts that do not fit wait (and keep counting) for the next turn: never dropped.
    func sendDueSummaries() {
        guard let control else { return }
        foldFrames()
        countsOnlyUntil = .min
        let now = WallClock.now()
        let limit = Self.share(among: ids.count)
        var waiting = false
        for id in Array(budgets.keys) {
            guard let counts = budgets[id]?.takeDue(now: now) else { continue }
            guard let pending = control.pendingOutput(of: id),
                  let line = try? ControlCodec.encodeLine(counts.event(node: node)),
                  pending + line.count <= limit else {
                budgets[id]?.putBack(counts)
                waiting = true
                continue
            }
            control.send(line, to: id)
        }
        // Counts that wait for room are tried again a little later, not at once.
        scheduleSummaries(notBefore: waiting ? 50_000_000 : 0)
    }

    private func reportGap(of id: Int) {
        guard let gap = gaps.removeValue(forKey: id),
              let line = try? ControlCodec.encodeLine(gap.event(node: node)) else { return }
        control?.send(line, to: id)
    }
}

/// The wall-clock times trace events carry, chosen so that no effect is stamped
/// before its cause, across daemons too (they all read the same CLOCK_REALTIME):
/// a frame read from a link gets a fresh reading taken after the read, so it is
/// never earlier than its sender's stamp; a frame sent is stamped before the
/// write to the link. Events a wake-up's work produces share one reading (taken
/// at the first need, or at the latest arrival), so a router's forwarded frame
/// carries its arrival's time, not an earlier one.
struct TraceClock {
    private var current: Int64?

    /// A new wake-up of the loop: the next `now` reads the clock again.
    mutating func startWakeUp() { current = nil }

    /// The time for an event of this wake-up (read once; see `arrival`).
    mutating func now() -> Int64 {
        if let current { return current }
        let time = WallClock.now()
        current = time
        return time
    }

    /// The time for a frame just read from a link or about to be written to one:
    /// a fresh reading, which also becomes the time of what the wake-up does next.
    /// (A reply then follows its request by the time it took, as a capture on
    /// Linux shows it, not at the same nanosecond.)
    mutating func fresh() -> Int64 {
        let time = WallClock.now()
        current = time
        return time
    }
}
