import RawNetContracts
import RawNetCore
import RawNetPlatform

/// Why an impairment change was refused or failed; `description` is what the user reads.
public struct ImpairChangeError: Error, Sendable, CustomStringConvertible {
    /// True for a value or a combination refused before anything was sent.
    public var isInvalidValue: Bool
    public var description: String
    public init(_ description: String, isInvalidValue: Bool = false) {
        self.description = description
        self.isInvalidValue = isInvalidValue
    }
}

/// One change of the settings of some link directions, the way `rawnet impair` makes it:
/// every value checked on its own and then all together; every daemon asked first whether
/// it accepts the merged result; only then is anything changed. `rawnet impair` and
/// `rawnet web` both go through here, so a value refused by one is refused by the other
/// with the same words.
public struct ImpairChange: Sendable {
    /// The settings given, as (option, value), option as the daemon reads it (`gemodel` for `--loss-burst`).
    public var options: [(String, String)]
    /// Start from a perfect wire (alone: back to a perfect wire).
    public var clear: Bool

    /// The option names in the order they are sent.
    public static let optionOrder = ["loss", "gemodel", "reorder", "gap", "hold-back", "delay", "jitter",
                                     "distribution", "duplicate", "corrupt", "rate", "queue", "seed"]

    /// Options in `optionOrder`; whitespace inside a value is removed, as the shell would split it.
    public init(options: [String: String], clear: Bool = false) {
        self.options = Self.optionOrder.compactMap { name in
            options[name].map { (name, String($0.filter { !$0.isWhitespace })) }
        }
        self.clear = clear
    }

    /// The command-line flag of a daemon option.
    public static func flag(_ option: String) -> String { option == "gemodel" ? "loss-burst" : option }

    /// The settings text a daemon reads, e.g. "loss 20% delay 50ms".
    public var settingsText: String { options.map { "\($0.0) \($0.1)" }.joined(separator: " ") }

    /// True when nothing would change.
    public var isEmpty: Bool { options.isEmpty && !clear }

    /// Each value on its own, then all together: `--loss 150%: …` for the first bad one.
    public func validate() throws(ImpairChangeError) {
        var settings = ImpairmentSettings.perfect
        for name in options.map(\.0) where !Self.optionOrder.contains(name) {
            throw ImpairChangeError("unknown setting '\(name)'", isInvalidValue: true)
        }
        for (option, value) in options {
            do {
                try settings.set(option, to: value)
            } catch {
                throw ImpairChangeError(ImpairmentSettings.refusal(flag: Self.flag(option), option: option, value: value, "\(error)"),
                                        isInvalidValue: true)
            }
        }
        do { try settings.validate() } catch { throw ImpairChangeError("\(error)", isInvalidValue: true) }
    }

    /// Validates, checks every direction's daemon answers and accepts the result, then
    /// changes each direction; returns each direction with its new settings.
    public func apply(_ located: LabLocator.Located,
                      _ directions: [LinkDirection]) throws(ImpairChangeError) -> [(LinkDirection, ImpairAnswer)] {
        try validate()
        for direction in directions {
            let current: ImpairAnswer
            do { current = try Self.answer(located, direction, ["action": "show"]) } catch {
                throw ImpairChangeError("\(error); nothing was changed")
            }
            if current.isBypassed == true {
                throw ImpairChangeError("\(direction.from.node) runs with the impairment engine bypassed (\(Self.bypassEnvironmentVariable)=1); nothing was changed")
            }
            var merged = ImpairmentSettings.perfect
            if !clear {
                do { merged = try ImpairmentSettings(parsing: current.settings) } catch {
                    throw ImpairChangeError("\(direction.from): cannot read its current settings '\(current.settings)': \(error)")
                }
            }
            do { try merged.apply(parsing: settingsText) } catch {
                throw ImpairChangeError("\(direction): \(error); nothing was changed", isInvalidValue: true)
            }
        }
        guard !isEmpty else { return [] }
        var args: [String: String] = [:]
        if clear && options.isEmpty {
            args["action"] = "clear"
        } else {
            args["action"] = clear ? "set" : "update"
            args["settings"] = settingsText
        }
        var done: [(LinkDirection, ImpairAnswer)] = []
        for direction in directions {
            do { done.append((direction, try Self.answer(located, direction, args))) } catch {
                let changed = done.isEmpty ? "nothing was changed" : "already changed: \(done.map(\.0.description).joined(separator: "; "))"
                throw ImpairChangeError("\(error) (\(changed))")
            }
        }
        return done
    }

    /// Name of the environment variable that, set to `1`, makes a node daemon bypass its
    /// impairment engines (`NodeDaemon` reads it).
    public static let bypassEnvironmentVariable = "RAWNET_BYPASS_IMPAIRMENT"

    /// Sends `impair` for one direction to the node owning its egress.
    public static func answer(_ located: LabLocator.Located, _ direction: LinkDirection,
                              _ extra: [String: String]) throws(ImpairChangeError) -> ImpairAnswer {
        var args = extra
        args["interface"] = direction.from.interface
        args["direction"] = "out"
        let node = direction.from.node
        let response: ControlResponse
        do {
            let client = try ControlClient(path: located.paths.control(node: node))
            response = try client.request(ControlRequest(command: "impair", args: args))
        } catch {
            // A node that is down is said as `status` says it, with what brings it back.
            if case .notRunning = error {
                throw ImpairChangeError("\(node) is not running (rawnet start \(node))")
            }
            throw ImpairChangeError("\(node): \(error)")
        }
        guard response.ok else { throw ImpairChangeError("\(node): \(response.error ?? "error")") }
        guard let answer = try? response.result?.decode(ImpairAnswer.self) else {
            throw ImpairChangeError("\(node): bad answer to impair")
        }
        return answer
    }
}
