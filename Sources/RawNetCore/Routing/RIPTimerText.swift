/// Why RIP timers given as text (`rawnet rip r1 on --update 2s`) make no configuration.
public struct RIPTimerError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension RIPConfiguration {
    /// The timers `rawnet rip` and the daemon's `rip` command take, by name.
    public static let timerNames = ["update", "timeout", "garbage", "damping"]

    /// Timers given as text (`update` → "2s"), each a duration of 10ms or more; those not given
    /// keep the RFC's proportions to `update` (timeout 6 ×, garbage 4 ×, damping a tenth).
    /// The one reading of them, so the command line refuses what the daemon would.
    public init(timerTexts: [String: String]) throws(RIPTimerError) {
        var timers: [String: Duration] = [:]
        for key in Self.timerNames {
            guard let text = timerTexts[key] else { continue }
            guard let value = try? ImpairmentText.parseDuration(text, option: key), value >= .milliseconds(10) else {
                throw RIPTimerError("rip \(key) must be a duration of 10ms or more, such as 2s, not '\(text)'")
            }
            timers[key] = value
        }
        let update = timers["update"] ?? RIPConfiguration.standard.update
        self.init(update: update, timeout: timers["timeout"] ?? update * 6, garbage: timers["garbage"] ?? update * 4,
                  damping: timers["damping"])
        guard timeout > self.update, damping < self.update else {
            throw RIPTimerError("rip timeout must be longer, and damping shorter, than update")
        }
    }
}
