import RawNetCore

/// A socket's internals for people: the wire form stays `key=value` words with
/// times in microseconds (machine-readable); renderers (`rawnet sockets -i`,
/// chat's `/stats`) show times with units and an unset ssthresh as `-`.
extension TCPSocketStatus {
    /// Keys whose values are microseconds.
    public static let timeKeys: Set<Key> = [.rto, .srtt, .rttvar, .minRTT, .reorderingWindow]

    /// A time for people: `850µs`, `1.2ms`, `200ms`, `1.5s`.
    public static func readableTime(microseconds us: Int64) -> String {
        func decimal(_ value: Int64, per unit: Int64, _ suffix: String) -> String {
            // One decimal below 100 units, none above (as `ss` rounds its rtt).
            if value >= 100 * unit || value % unit == 0 { return "\((value + unit / 2) / unit)\(suffix)" }
            let tenths = (value * 10 + unit / 2) / unit
            return tenths % 10 == 0 ? "\(tenths / 10)\(suffix)" : "\(tenths / 10).\(tenths % 10)\(suffix)"
        }
        if us < 1000 { return "\(us)µs" }
        if us < 1_000_000 { return decimal(us, per: 1000, "ms") }
        return decimal(us, per: 1_000_000, "s")
    }

    /// A duration for people, `-` when there is none (no RTT sample yet).
    public static func readableTime(_ duration: Duration?) -> String {
        guard let duration else { return "-" }
        let (seconds, attoseconds) = duration.components
        return readableTime(microseconds: seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
    }

    /// A congestion window or threshold in bytes; `-` for the "not set yet"
    /// value a connection starts with (ssthresh before the first loss).
    public static func readableWindow(_ value: Int?) -> String {
        guard let value else { return "-" }
        return value >= Int(Int32.max) ? "-" : "\(value)"
    }

    /// The value of one word for people.
    public static func readableValue(of key: Key, _ value: String) -> String {
        if timeKeys.contains(key), let us = Int64(value) { return readableTime(microseconds: us) }
        if key == .ssthresh || key == .cwnd, let bytes = Int(value) { return readableWindow(bytes) }
        return value
    }

    /// The retransmissions' reasons in words (`language` "en" or "ko"):
    /// `timeout 1, three duplicate ACKs 0, RACK 3, tail-loss probe 2`, then
    /// `; spurious 1` when the host counts the needless ones (D-SACK).
    public func retransmissionReasons(language: String = "en") -> String {
        // Korean says what caused each count and counts with 회 ("중복 ACK 세 개로 1회"): a bare
        // number after a counted noun misreads.
        let isKorean = language == "ko"
        var text = TCPRetransmitFamily.allCases.map { family in
            let words = Self.words(for: family, language: language)
            return isKorean ? "\(words)\(family == .rack || family == .timeout ? "으로" : "로") \(retransmissions(family))회"
                            : "\(words) \(retransmissions(family))"
        }.joined(separator: ", ")
        if let spurious = spuriousRetransmissionsIfCounted {
            text += language == "ko" ? "; 불필요 \(spurious)회" : "; spurious \(spurious)"
        }
        return text
    }

    /// Why a segment was sent again, in a learner's words.
    public static func words(for family: TCPRetransmitFamily, language: String = "en") -> String {
        switch (family, language == "ko") {
        case (.timeout, false): "timeout"
        case (.timeout, true): "타임아웃"
        case (.duplicateAcks, false): "three duplicate ACKs"
        case (.duplicateAcks, true): "중복 ACK 세 개"
        case (.rack, false): "RACK"
        case (.rack, true): "RACK"
        case (.lossProbe, false): "tail-loss probe"
        case (.lossProbe, true): "꼬리 손실 프로브"
        }
    }

    /// The internals as `key value` pairs for people (`rto 200ms  srtt 1.2ms
    /// ssthresh -`), in the host's order, leaving out `skipping`. Words this
    /// version does not know are shown as they came.
    public func readable(skipping: Set<Key> = []) -> String {
        readableParts(skipping: skipping).joined(separator: "  ")
    }

    /// `readable`'s "name value" parts, each to be kept on one line.
    public func readableParts(skipping: Set<Key> = [], language: String = "en") -> [String] {
        var parts: [String] = []
        let reasonKeys = Set(TCPRetransmitFamily.allCases.map(Self.key(for:)))
        for word in text.split(separator: " ") {
            guard let eq = word.firstIndex(of: "=") else { parts.append(String(word)); continue }
            let name = String(word[..<eq]), value = String(word[word.index(after: eq)...])
            guard let key = Key(rawValue: name) else { parts.append("\(name) \(value)"); continue }
            if skipping.contains(key) || reasonKeys.contains(key) { continue }
            if key == .retrans, fields[.retransTimeout] != nil {
                parts.append("retrans \(value) (\(retransmissionReasons(language: language)))")
                continue
            }
            if key == .timeouts {
                // Times the retransmission timer ran out; one expiry may resend several
                // segments, which "timeout" in the reasons above counts.
                parts.append("rto_expiries \(value)")
                continue
            }
            if key == .minRTT {
                // A minimum over the last 10 s only (RACK's, BBR's), so it can stand above srtt,
                // an average with a longer memory: said, so that does not read as a mistake.
                parts.append("\(name) \(Self.readableValue(of: key, value)) (\(language == "ko" ? "최근 10초" : "last 10 s"))")
                continue
            }
            parts.append("\(name) \(Self.readableValue(of: key, value))")
        }
        return parts
    }
}
