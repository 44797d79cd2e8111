import RawNetCore
import RawNetLabModel
import Yams

extension TopologyParser {
    /// A router's routing protocol: `routing: rip` (RFC timers) or
    /// `rip: { update: 2s, timeout: 12s, garbage: 8s, damping: 200ms }` (each optional).
    mutating func parseRouting(_ fields: [String: Node], _ location: TopologyLocation, into draft: inout DraftNode) {
        var wantsRIP = false
        if let routing = fields["routing"], let text = scalar(routing, location, "routing") {
            switch text {
            case "rip": wantsRIP = true
            case "static", "none": break
            default: issues.add(location, "routing", "unknown routing '\(text)' (expected rip, static or none)")
            }
            if text != "rip", fields["rip"] != nil {
                issues.add(location, "rip", "RIP settings given, but 'routing' is '\(text)'")
            }
        }
        var configuration = RIPConfiguration.standard
        if let rip = fields["rip"] {
            wantsRIP = true
            if let mapping = rip.mapping {
                configuration = parseRIPTimers(mapping, location)
            } else {
                issues.add(location, "rip", "expected a mapping such as { update: 2s, timeout: 12s, garbage: 8s }")
            }
        }
        guard wantsRIP else { return }
        guard draft.kind == .router else {
            issues.add(location, fields["rip"] != nil ? "rip" : "routing", "only a router runs RIP")
            return
        }
        draft.rip = configuration
    }

    private mutating func parseRIPTimers(_ mapping: Node.Mapping, _ location: TopologyLocation) -> RIPConfiguration {
        let fields = fieldTable(mapping, location: location, prefix: "rip.",
                                allowed: ["update", "timeout", "garbage", "damping"])
        let standard = RIPConfiguration.standard
        func read(_ name: String, _ fallback: Duration) -> Duration {
            guard let node = fields[name], let text = scalar(node, location, "rip." + name) else { return fallback }
            do {
                let value = try ImpairmentText.parseDuration(text, option: name)
                guard value >= .milliseconds(10), value <= .seconds(86_400) else {
                    issues.add(location, "rip." + name, "'\(text)' is out of range (10ms to 24h)")
                    return fallback
                }
                return value
            } catch {
                issues.add(location, "rip." + name, "bad duration '\(text)' (expected e.g. 2s or 500ms)")
                return fallback
            }
        }
        let update = read("update", standard.update)
        // Unset timers keep the RFC's proportions to the update interval (6× and 4×).
        let timeout = read("timeout", update * 6)
        let garbage = read("garbage", update * 4)
        let damping = fields["damping"] == nil ? nil : read("damping", update / 10)
        if timeout <= update {
            issues.add(location, "rip.timeout",
                       "must be longer than the update interval (\(ImpairmentText.duration(update))), or every route would time out between updates")
        }
        if let damping, damping >= update {
            issues.add(location, "rip.damping", "must be shorter than the update interval (\(ImpairmentText.duration(update)))")
        }
        return RIPConfiguration(update: update, timeout: timeout, garbage: garbage, damping: damping)
    }
}
