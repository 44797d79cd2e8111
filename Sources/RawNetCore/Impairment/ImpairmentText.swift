/// Reading and writing the values of impairment options as text, with tc's
/// units; shared by the command line and topology files.
public enum ImpairmentText {
    // MARK: - Percentages

    /// Reads a probability: "20%", "0.5%", or a plain fraction "0.2".
    /// Values above 100% (or a fraction above 1) are refused, naming `option`.
    public static func parseProbability(_ text: String, option: String) throws(ImpairmentSettingsError) -> Double {
        let trimmed = trim(text)
        let isPercent = trimmed.hasSuffix("%")
        let number = isPercent ? String(trimmed.dropLast()) : trimmed
        guard let value = parseDecimal(number), value.isFinite else {
            throw .malformed(option: option, text: text, expected: "a percentage such as 20% or 0.5%, or a fraction such as 0.2")
        }
        let probability = isPercent ? value / 100 : value
        guard probability >= 0, probability <= 1 else {
            // A plain number is read as a fraction: "30" is 3000 %, most likely meant as 30 %.
            throw .outOfRange(option: option, value: trimmed,
                              allowed: isPercent ? "0% to 100%" : "a fraction from 0 to 1, or 0% to 100%; did you mean \(number)%?")
        }
        return probability
    }

    /// Writes a probability as a percentage with at most six decimals: 0.005 → "0.5%".
    public static func percent(_ probability: Double) -> String {
        guard probability.isFinite else { return "\(probability)" }
        return decimal(probability * 100, places: 6) + "%"
    }

    // MARK: - Durations

    /// Reads a duration with a unit: "20ms", "1.5s", "500us", "250ns" (also
    /// "µs", "sec", "msec", "usec", "nsec"). A number alone is refused: tc would
    /// read it as microseconds, which surprises more than it helps.
    public static func parseDuration(_ text: String, option: String) throws(ImpairmentSettingsError) -> Duration {
        let trimmed = trim(text).lowercased()
        let (number, unit) = splitUnit(trimmed)
        let scale: Double
        switch unit {
        case "s", "sec", "secs": scale = 1e9
        case "ms", "msec", "msecs": scale = 1e6
        case "us", "µs", "usec", "usecs": scale = 1e3
        case "ns", "nsec", "nsecs": scale = 1
        case "":
            throw .malformed(option: option, text: text, expected: "a unit, such as 20ms, 1.5s or 500us")
        default:
            throw .malformed(option: option, text: text, expected: "a duration in s, ms, us or ns")
        }
        guard let value = parseDecimal(number), value.isFinite else {
            throw .malformed(option: option, text: text, expected: "a duration such as 20ms, 1.5s or 500us")
        }
        guard value >= 0 else { throw .outOfRange(option: option, value: text, allowed: "0 or more") }
        let ns = (value * scale).rounded()
        guard ns < 9.0e18 else { throw .outOfRange(option: option, value: text, allowed: "less than 292 years") }
        return .nanoseconds(Int64(ns))
    }

    /// Writes a duration in the largest unit that keeps it readable: "50ms", "1.5s", "500us";
    /// none at all is "0ms" (a jitter with no delay reads "delay 0ms ±5ms").
    public static func duration(_ d: Duration) -> String {
        written(d, microseconds: "us", rounded: false)
    }

    /// A duration as a person reads it in a trace: to the microsecond at most, trailing
    /// zeros dropped, microseconds as µs (`24.733ms` for 24.733443 ms, `592µs`, `1.5s`, `30ms`).
    /// `duration` is the exact form that parses back; this one is only shown.
    public static func readable(_ d: Duration) -> String {
        written(d, microseconds: "µs", rounded: true)
    }

    /// `d` in the largest unit under it; `rounded`: half up to a thousandth of a second or a
    /// millisecond, or to a whole microsecond.
    private static func written(_ d: Duration, microseconds: String, rounded: Bool) -> String {
        let ns = d.nanoseconds
        if ns == 0 { return "0ms" }
        let magnitude = ns.magnitude
        let sign = ns < 0 ? "-" : ""
        let (unit, name): (UInt64, String) =
            magnitude >= 1_000_000_000 ? (1_000_000_000, "s")
            : magnitude >= 1_000_000 ? (1_000_000, "ms")
            : magnitude >= 1_000 ? (1_000, microseconds) : (1, "ns")
        let step = !rounded ? 1 : unit == 1_000 ? 1_000 : max(unit / 1_000, 1)
        return sign + exactDecimal((magnitude + step / 2) / step * step, unit: unit) + name
    }

    // MARK: - Rates

    /// Reads a rate in tc's units: a bare number or "bit" is bits per second;
    /// "kbit", "mbit", "gbit", "tbit" are powers of 1000, "kibit" … "tibit" of 1024;
    /// "bps", "kbps", "mbps", "gbps", "tbps" (and "kibps" …) are bytes per second.
    /// Case does not matter. Returns bits per second.
    public static func parseRate(_ text: String, option: String = "rate") throws(ImpairmentSettingsError) -> Int {
        let trimmed = trim(text).lowercased()
        let (number, unit) = splitUnit(trimmed)
        var scale: Double
        var name = unit
        if name.hasSuffix("bit") {
            name.removeLast(3); scale = 1
        } else if name.hasSuffix("bps") {
            name.removeLast(3); scale = 8
        } else if name.isEmpty {
            scale = 1
        } else {
            throw .malformed(option: option, text: text, expected: "a rate such as 2mbit, 100kbit, 9600bit or 1mbps")
        }
        switch name {
        case "": break
        case "k": scale *= 1e3
        case "m": scale *= 1e6
        case "g": scale *= 1e9
        case "t": scale *= 1e12
        case "ki": scale *= 1024
        case "mi": scale *= 1024 * 1024
        case "gi": scale *= 1024 * 1024 * 1024
        case "ti": scale *= 1024 * 1024 * 1024 * 1024
        default:
            throw .malformed(option: option, text: text, expected: "a rate such as 2mbit, 100kbit, 9600bit or 1mbps")
        }
        guard let value = parseDecimal(number), value.isFinite else {
            throw .malformed(option: option, text: text, expected: "a rate such as 2mbit, 100kbit, 9600bit or 1mbps")
        }
        let bits = (value * scale).rounded()
        guard bits >= 1, bits < 9.0e18 else {
            throw .outOfRange(option: option, value: text, allowed: "1bit to 9000000tbit")
        }
        return Int(bits)
    }

    /// Writes a rate in the largest decimal bit unit that divides it: "2mbit", "9600bit", "1500kbit".
    public static func rate(_ bitsPerSecond: Int) -> String {
        for (unit, name) in [(1_000_000_000_000, "tbit"), (1_000_000_000, "gbit"), (1_000_000, "mbit"), (1_000, "kbit")]
        where bitsPerSecond % unit == 0 && bitsPerSecond >= unit {
            return "\(bitsPerSecond / unit)\(name)"
        }
        return "\(bitsPerSecond)bit"
    }

    // MARK: - Counts

    /// Reads a whole number at least `minimum`.
    public static func parseCount(_ text: String, option: String, minimum: Int) throws(ImpairmentSettingsError) -> Int {
        guard let value = Int(trim(text)) else {
            throw .malformed(option: option, text: text, expected: "a whole number")
        }
        guard value >= minimum else { throw .outOfRange(option: option, value: text, allowed: "\(minimum) or more") }
        return value
    }

    // MARK: - Helpers

    /// Splits "1.5ms" into ("1.5", "ms").
    static func splitUnit(_ text: String) -> (String, String) {
        let end = text.firstIndex { !($0.isNumber || $0 == "." || $0 == "-" || $0 == "+") } ?? text.endIndex
        return (String(text[..<end]), trim(String(text[end...])))
    }

    /// A decimal number without exponent or hex forms: digits with at most one point.
    static func parseDecimal(_ text: String) -> Double? {
        var digits = 0, points = 0
        for (i, c) in text.enumerated() {
            if c.isASCII, c.isNumber { digits += 1 }
            else if c == "." { points += 1 }
            else if (c == "-" || c == "+"), i == 0 { continue }
            else { return nil }
        }
        guard digits > 0, points <= 1 else { return nil }
        return Double(text)
    }

    /// `value / unit` written exactly, without trailing zeros.
    static func exactDecimal(_ value: UInt64, unit: UInt64) -> String {
        let whole = value / unit
        var rest = value % unit
        guard rest != 0 else { return "\(whole)" }
        var fraction = ""
        var scale = unit
        while rest != 0 {
            scale /= 10
            let digit = rest / scale
            fraction.append(Character(String(digit)))
            rest %= scale
        }
        return "\(whole).\(fraction)"
    }

    /// `value` rounded to `places` decimals, without trailing zeros.
    static func decimal(_ value: Double, places: Int) -> String {
        var unit: UInt64 = 1
        for _ in 0..<places { unit *= 10 }
        let scaled = (value.magnitude * Double(unit)).rounded()
        guard scaled < 9.0e18 else { return "\(value)" }
        return (value < 0 ? "-" : "") + exactDecimal(UInt64(scaled), unit: unit)
    }

    /// `text` without leading and trailing white space.
    static func trim(_ text: String) -> String {
        var s = Substring(text)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
