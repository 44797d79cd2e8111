import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetPlatform
import RawNetView

extension NodeDaemon {
    /// Name of the environment variable that, set to `1`, makes a node daemon
    /// bypass its impairment engines entirely: frames go straight to the link,
    /// topology impairments are ignored and `impair` refuses to set any. For
    /// measuring what the engine costs when idle (`rawnet bench forward`).
    public static let bypassEnvironmentVariable = "RAWNET_BYPASS_IMPAIRMENT"

    /// True when the environment asks for the impairment engine to be bypassed.
    public static var isBypassRequestedByEnvironment: Bool {
        guard let value = ProcessEnvironment.value(bypassEnvironmentVariable)?.lowercased() else { return false }
        return ["1", "yes", "true", "on"].contains(value)
    }

    /// `impair` interface=eth0 [direction=out] and one of:
    /// - `settings="loss 20% delay 10ms"` (action `set`, the default with settings): replaces every setting;
    /// - `action=update settings="loss 5%"`: changes only the options named, keeping the others;
    /// - `action=clear`: a perfect wire (frames in flight still leave, held ones are let go);
    /// - `action=show` (the default without settings);
    /// - `action=drop-next filter="tcp and seq 27" [count=N]` or `action=corrupt-next …`: a
    ///   one-shot rule for the next N (default 1) frames the trace filter picks; it replaces
    ///   an earlier rule of the same action; `clear` removes rules too.
    /// A `seed` among the settings restarts the random streams from it, even if it is unchanged.
    func impair(_ args: [String: String]) -> ControlResponse {
        guard let name = args["interface"] else { return .failure("impair needs interface=NAME") }
        guard let index = ip.interfaceIndex(named: name) else {
            return .failure("\(node.name) has no interface '\(name)' (has \(interfaceNames.joined(separator: ", ")))")
        }
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
            for _ in 0..<dropped { ip.countDrop(.queueOverflow, interface: index) }
            if let seed = given.seed { impairments[index].reseed(seed) }
            logger.info("\(name) impairment: \(impairments[index].settings)")
        case ImpairmentRule.Action.drop.rawValue, ImpairmentRule.Action.corrupt.rawValue:
            guard !isImpairmentBypassed else { return bypassedFailure() }
            guard let rule = Self.rule(action, args, node: node.name, interface: name) else {
                return .failure(Self.ruleProblem(action, args))
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
        return ImpairAnswer(interface: interfaceNames[index], settings: engine.settings.description,
                            isPerfect: engine.settings.isPerfect, counters: engine.counters,
                            pendingFrames: engine.pendingCount, seed: String(engine.seed),
                            isBypassed: isImpairmentBypassed,
                            rules: engine.rules.map {
                                ImpairRuleAnswer(action: $0.action.rawValue, filter: $0.filter,
                                                 remaining: $0.remaining, applied: $0.applied)
                            })
    }

    /// The rule `args` describe (`filter`, optional `count` from 1 to 1000), nil when they are bad.
    static func rule(_ action: String, _ args: [String: String], node: String, interface: String) -> ImpairmentRule? {
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

    /// Why `rule` refused `args`.
    static func ruleProblem(_ action: String, _ args: [String: String]) -> String {
        guard let text = args["filter"], !text.allSatisfy(\.isWhitespace) else {
            return "\(action) needs filter=TEXT, e.g. filter=\"tcp and seq 27\""
        }
        do { _ = try TraceFilter(parsing: text) } catch { return "\(action): \(error)" }
        return "\(action): count must be a number from 1 to 1000, not '\(args["count"] ?? "")'"
    }

    private func bypassedFailure() -> ControlResponse {
        .failure("\(node.name) runs with the impairment engine bypassed (\(Self.bypassEnvironmentVariable)=1): impairments cannot be changed")
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
                ip.countDrop(dropReason, interface: index)
                if !subscribers.isEmpty {
                    let traced = reason == .burstLoss ? "burst loss" : dropReason.rawValue
                    trace(.dropped, interface: index, bytes: frame, reason: traced,
                          detail: "impairment: \(reason) (frame \(outcome.frameNumber))")
                }
            default:
                if !subscribers.isEmpty {
                    trace(.impaired, interface: index, bytes: frame, reason: Self.traceReason(event),
                          detail: "impairment: frame \(outcome.frameNumber) \(event)")
                }
            }
        }
    }

    /// The short reason a trace shows for one impairment action.
    static func traceReason(_ event: ImpairmentEvent) -> String {
        switch event {
        case .heldBack: return "held back"
        default: return event.description
        }
    }
}
