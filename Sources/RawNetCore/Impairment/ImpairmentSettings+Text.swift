extension ImpairmentSettings: CustomStringConvertible {
    /// Option names ``set(_:to:)`` knows, as the command line and topology files spell them.
    public static let optionNames = [
        "loss", "gemodel", "reorder", "gap", "hold-back", "hold-back-timeout", "delay", "jitter",
        "distribution", "duplicate", "corrupt", "rate", "queue", "seed",
    ]

    /// Sets one option from its text, as `--loss 20%` on the command line or
    /// `loss: 20%` in a topology file. Also accepted: `loss-burst` for `gemodel`,
    /// `reorder-gap` for `gap`, `limit` and `queue-limit` for `queue`, underscores
    /// for dashes, and a leading `--`.
    public mutating func set(_ option: String, to text: String) throws(ImpairmentSettingsError) {
        var name = ImpairmentText.trim(option).lowercased().replacingAll("_", with: "-")
        while name.hasPrefix("-") { name.removeFirst() }
        switch name {
        case "loss": loss = try ImpairmentText.parseProbability(text, option: "loss")
        case "gemodel", "loss-burst", "burst":
            lossBurst = try Self.parseGilbertElliott(text)
        case "reorder": reorder = try ImpairmentText.parseProbability(text, option: "reorder")
        case "gap", "reorder-gap": reorderGap = try ImpairmentText.parseCount(text, option: "gap", minimum: 0)
        case "hold-back", "holdback": holdBack = try ImpairmentText.parseCount(text, option: "hold-back", minimum: 1)
        case "hold-back-timeout":
            holdBackTimeout = try ImpairmentText.parseDuration(text, option: "hold-back-timeout")
        case "delay": delay = try ImpairmentText.parseDuration(text, option: "delay")
        case "jitter": jitter = try ImpairmentText.parseDuration(text, option: "jitter")
        case "distribution":
            guard let shape = DelayDistribution(rawValue: ImpairmentText.trim(text).lowercased()) else {
                throw .malformed(option: "distribution", text: text, expected: "uniform or normal")
            }
            distribution = shape
        case "duplicate": duplicate = try ImpairmentText.parseProbability(text, option: "duplicate")
        case "corrupt": corrupt = try ImpairmentText.parseProbability(text, option: "corrupt")
        case "rate": rateBitsPerSecond = try ImpairmentText.parseRate(text, option: "rate")
        case "queue", "limit", "queue-limit": queueLimit = try ImpairmentText.parseCount(text, option: "queue", minimum: 1)
        case "seed":
            guard let value = UInt64(ImpairmentText.trim(text)) else {
                throw .malformed(option: "seed", text: text, expected: "a whole number from 0 to 18446744073709551615")
            }
            seed = value
        default: throw .unknownOption(option)
        }
    }

    /// Reads Gilbert–Elliott parameters "P,R,1-H,1-K" as percentages (or
    /// fractions); R, 1-H and 1-K may be left out and take tc's defaults.
    public static func parseGilbertElliott(_ text: String) throws(ImpairmentSettingsError) -> GilbertElliott {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0) }
        guard (1...4).contains(parts.count) else {
            throw .malformed(option: "gemodel", text: text, expected: "P,R,1-H,1-K such as 1%,30%,100%,0%")
        }
        let names = ["gemodel p", "gemodel r", "gemodel 1-h", "gemodel 1-k"]
        var values: [Double] = []
        for (part, name) in zip(parts, names) {
            values.append(try ImpairmentText.parseProbability(part, option: name))
        }
        return GilbertElliott(p: values[0], r: values.count > 1 ? values[1] : nil,
                              oneMinusH: values.count > 2 ? values[2] : 1,
                              oneMinusK: values.count > 3 ? values[3] : 0)
    }

    /// Reads settings written as words, as ``description`` prints them or as tc
    /// takes them: "loss 20% · delay 50ms ±5ms (normal) · rate 2mbit queue 100",
    /// "delay 100ms 10ms distribution normal reorder 25% gap 5", "perfect wire".
    /// Options left out keep perfect-wire values. The result is validated.
    public init(parsing text: String) throws(ImpairmentSettingsError) {
        self.init()
        try apply(parsing: text)
    }

    /// Reads settings written as words, as ``init(parsing:)`` does, on top of
    /// these settings: options left out keep their current values ("perfect"
    /// or "clear" among the words resets everything before it). The result is
    /// validated; on error `self` may be partly changed, so work on a copy.
    public mutating func apply(parsing text: String) throws(ImpairmentSettingsError) {
        var words = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
            .filter { $0 != "·" && $0 != "|" }
        words.reverse()
        func value(for option: String) throws(ImpairmentSettingsError) -> String {
            guard let next = words.popLast() else { throw .missingValue(option: option) }
            return next
        }
        while let word = words.popLast() {
            switch word.lowercased() {
            case "perfect", "clear", "none":
                let seed = self.seed
                self = .perfect
                self.seed = seed
                if words.last?.lowercased() == "wire" { words.removeLast() }
            case "loss":
                let next = try value(for: "loss")
                switch next.lowercased() {
                case "random": try set("loss", to: try value(for: "loss random"))
                case "gemodel": try set("gemodel", to: try value(for: "gemodel"))
                default: try set("loss", to: next)
                }
            case "delay":
                try set("delay", to: try value(for: "delay"))
                if let next = words.last, let spread = Self.jitterWord(next) {
                    words.removeLast()
                    try set("jitter", to: spread)
                }
            case let w where w.hasPrefix("±"):
                try set("jitter", to: String(w.dropFirst()))
            case "(uniform)", "(normal)":
                distribution = word.lowercased() == "(normal)" ? .normal : .uniform
            default:
                try set(word, to: try value(for: word))
            }
        }
        try validate()
    }

    /// A jitter right after a delay: "±5ms", or a bare duration as tc writes it.
    private static func jitterWord(_ word: String) -> String? {
        if word.hasPrefix("±") { return String(word.dropFirst()) }
        return (try? ImpairmentText.parseDuration(word, option: "jitter")) != nil ? word : nil
    }

    /// A one-line human summary that ``init(parsing:)`` reads back, e.g.
    /// "loss 20% · delay 50ms ±5ms (normal) · rate 2mbit queue 100".
    public var description: String {
        var parts: [String] = []
        if isPerfect { parts.append("perfect wire") }
        if loss > 0 { parts.append("loss \(ImpairmentText.percent(loss))") }
        if let b = lossBurst {
            let values = [b.p, b.r, b.oneMinusH, b.oneMinusK].map(ImpairmentText.percent)
            parts.append("gemodel " + values.joined(separator: ","))
        }
        if reorder > 0 {
            parts.append("reorder \(ImpairmentText.percent(reorder))" + (reorderGap > 0 ? " gap \(reorderGap)" : ""))
        }
        if let n = holdBack { parts.append("hold-back \(n)") }
        if (holdBack != nil || reorder > 0), holdBackTimeout != .seconds(1) {
            parts.append("hold-back-timeout \(ImpairmentText.duration(holdBackTimeout))")
        }
        if delay > .zero || jitter > .zero {
            var text = "delay \(ImpairmentText.duration(delay))"
            if jitter > .zero { text += " ±\(ImpairmentText.duration(jitter)) (\(distribution.rawValue))" }
            parts.append(text)
        }
        if duplicate > 0 { parts.append("duplicate \(ImpairmentText.percent(duplicate))") }
        if corrupt > 0 { parts.append("corrupt \(ImpairmentText.percent(corrupt))") }
        if let rate = rateBitsPerSecond {
            parts.append("rate \(ImpairmentText.rate(rate)) queue \(queueLimit)")
        } else if queueLimit != Self.defaultQueueLimit {
            parts.append("queue \(queueLimit)")
        }
        if let seed { parts.append("seed \(seed)") }
        return parts.joined(separator: " · ")
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}

extension ImpairmentSettings {
    /// A value's refusal as the command line names it, the flag once: the settings say "loss: 140%
    /// is out of range …", which reads "--loss 140% is out of range …"; "delay: cannot read '5' …"
    /// reads "--delay 5: cannot read '5' …" (`rawnet impair`, and the chat's slash commands, whose
    /// Korean `KoreanRefusals` reads from this form).
    public static func refusal(flag: String, option: String, value: String, _ reason: String) -> String {
        guard reason.hasPrefix(option + ": ") else { return "--\(flag) \(value): \(reason)" }
        let said = reason.dropFirst(option.count + 2)
        return said.hasPrefix(value + " ") ? "--\(flag) \(said)" : "--\(flag) \(value): \(said)"
    }
}
