import RawNetCore
import RawNetWire

/// Formats trace events one line each, for `rawnet trace`:
///
///        0.512 alice:eth0  → 3c:4d:5e>6f:70:81 | IPv4 10.0.1.10 > 10.0.2.20 ttl 64 id 2 | TCP 40000 > 7000 [S.] …
///        8.000 r1:eth1     · … | TCP 40000 > 7000 [P.] seq 1001:1006 ack 5001 win 65535 len 5 ✗ DROPPED (injected loss)
///      220.000 alice:eth0  → … | TCP 40000 > 7000 [P.] seq 1001:1006 ack 5001 win 65535 len 5 ↻ retransmission (timeout)
///
/// Columns: time in milliseconds since `startTime` (three decimals), where
/// (`node:interface`), an arrow (`→` sent, `←` received, `·` otherwise), the layers
/// (Ethernet short MACs, ARP or IPv4, then TCP/UDP/ICMP), then what happened to the
/// frame. Frames are decoded without trusting checksums: a corrupted frame still
/// prints, marked `⚠ bad checksum (LAYER)`.
public struct TraceFormatter: Sendable {
    /// Times are shown relative to this (nanoseconds, as `TraceEvent.time`). When nil,
    /// the first formatted event sets it.
    public var startTime: Int64?
    /// Colour or plain text.
    public var painter: TextPainter
    /// The `node:interface` column is padded to this many characters.
    public var placeWidth: Int
    /// Window scales learnt from the SYNs of the events formatted or `observe`d.
    public var windowScales = TCPWindowScales()
    /// When set, TCP numbers count from each side's SYN among the events formatted or
    /// `observe`d (as tcpdump and the ladder show them); nil: the numbers on the wire.
    public var sequenceBases: TCPSequenceBases?
    /// The words of the lines and boxes: Korean turns the views' own words into the
    /// glossary's (`KoreanViews`, as the tour and the web page show them); notation stays.
    public var language: ViewLanguage = .en

    public init(startTime: Int64? = nil, usesColour: Bool = false, placeWidth: Int = 11) {
        self.startTime = startTime
        self.painter = TextPainter(usesColour: usesColour)
        self.placeWidth = placeWidth
    }

    /// The line for `event` followed by its headers in boxes (`LayerView`), for `trace --layers`;
    /// with `width`, the line is fitted as a plain trace line is (`fit`) and the boxes
    /// are at most that wide (78 columns without it; never under 44).
    public mutating func formatWithLayers(_ event: TraceEvent, retransmission: RetransmissionMark? = nil,
                                          width: Int? = nil) -> String {
        let whole = format(event, retransmission: retransmission)
        let line = width.map { Self.fit(whole, width: $0).joined(separator: "\n") } ?? whole
        guard let frame = event.frame else { return line + "\n" }
        windowScales.observe(frame: frame)   // the line above learnt its sequence base already
        return line + "\n" + LayerView.render(frame: frame, usesColour: painter.usesColour, windowScales: windowScales,
                                               language: language, width: width ?? Box.width)
    }

    /// Learns window scales (and sequence bases, when counted) from an event that is not
    /// shown (a SYN a filter left out).
    public mutating func observe(_ event: TraceEvent) {
        guard let frame = event.frame else { return }
        windowScales.observe(frame: frame)
        learnSequence(from: DecodedFrame(parsing: frame, verifyChecksums: false))
    }

    /// Learns a SYN's sequence base, when numbers are counted from SYNs, and returns the
    /// base of the segment's sender if known: a `seq N` filter then counts as the lines do.
    /// Callers that filter call it for every event, shown or not.
    @discardableResult
    public mutating func learnSequence(from decoded: DecodedFrame?) -> UInt32? {
        guard sequenceBases != nil, let decoded else { return nil }
        sequenceBases?.observe(decoded)
        return sequenceBases?.bases(of: decoded).sender
    }

    /// One line (no newline) for `event`; sets `startTime` from the first event if unset.
    /// `retransmission`: the mark of a frame carrying a TCP retransmission (`TraceRetransmissions`).
    public mutating func format(_ event: TraceEvent, retransmission: RetransmissionMark? = nil) -> String {
        if startTime == nil { startTime = event.time }
        if sequenceBases != nil, let frame = event.frame {
            learnSequence(from: DecodedFrame(parsing: frame, verifyChecksums: false))
        }
        return line(for: event, retransmission: retransmission)
    }

    /// Formats many events, one line each, each ending in a newline.
    public mutating func format(_ events: [TraceEvent]) -> String {
        var out = ""
        for event in events { out += format(event) + "\n" }
        return out
    }

    /// One line for `event` without changing `startTime` (0 when unset); a frame carrying a
    /// retransmission ends its layers with the mark: `… len 6 ↻ retransmission (timeout)`.
    public func line(for event: TraceEvent, retransmission: RetransmissionMark? = nil) -> String {
        let time = Text.leftPad(Text.milliseconds(nanoseconds: event.time &- (startTime ?? event.time)), 9)
        var place = event.node
        if let interface = event.interface { place += ":" + interface }
        var line = painter.paint(time, .time) + " " + painter.paint(Text.rightPad(place, placeWidth), .place) + " "
        switch event.kind {
        case .sent: line += painter.paint("→", .outgoing) + " "
        case .received: line += painter.paint("←", .incoming) + " "
        case .dropped, .impaired: line += "· "
        case .transport: line += painter.paint("•", .transport) + " "
        case .note: line += painter.paint("#", .note) + " "
        case .lost: line += painter.paint("…", .dropped) + " "
        case .counted: line += painter.paint("Σ", .note) + " "
        }
        if let frame = event.frame {
            line += FrameText.summary(DecodedFrame(parsing: frame), painter: painter, sequenceBases: sequenceBases)
            if let retransmission { line += " " + painter.paint(retransmission.text, .transport) }
        }
        let suffix = outcome(of: event)
        if !suffix.isEmpty { line += (event.frame == nil ? "" : " ") + suffix }
        return language == .ko ? KoreanViews.translate(line) : line
    }

    /// What a `lost` event says: `412 events from r1 lost (subscriber too slow), 300 of them frames (eth0 200, eth1 100)`.
    public static func gapText(_ event: TraceEvent) -> String {
        guard let gap = TraceGap(event) else { return "events from \(event.node) lost (\(event.reason ?? "no count given"))" }
        var text = "\(gap.events) events from \(event.node) lost (\(event.reason ?? TraceGap.subscriberTooSlow))"
        if gap.frameCount > 0 {
            let places = gap.frames.keys.sorted().map { "\($0) \(gap.frames[$0] ?? 0)" }.joined(separator: ", ")
            text += ", \(gap.frameCount) of them frames (\(places))"
        }
        return text
    }

    /// What a `counted` event says: `412 events from r1 counted (over the detail budget): eth0 sent tcp 200, …`.
    public static func summaryText(_ event: TraceEvent) -> String {
        guard let summary = TraceSummary(event) else { return "events from \(event.node) counted (no count given)" }
        let parts = summary.tallies.keys.sorted().map { key in
            [key.interface, key.kind.rawValue, key.proto, key.reason.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
                + " \(summary.tallies[key]?.events ?? 0)"
        }
        return "\(summary.events) events from \(event.node) counted (\(event.reason ?? TraceSummary.overBudget)): "
            + parts.joined(separator: ", ")
    }

    private func outcome(of event: TraceEvent) -> String {
        var detail = event.detail
        if event.kind == .transport, let sequenceBases, let text = detail { detail = sequenceBases.relativeDetail(text) }
        let words = [event.reason, detail].compactMap { $0 }.filter { !$0.isEmpty }
        switch event.kind {
        case .sent, .received:
            return words.isEmpty ? "" : "(" + words.joined(separator: "; ") + ")"
        case .dropped:
            let reason = event.reason ?? event.detail ?? "no reason given"
            return painter.paint("✗ DROPPED (\(reason))", .dropped)
        case .impaired:
            return painter.paint("~ " + (words.isEmpty ? "impaired" : words.joined(separator: "; ")), .impaired)
        case .transport:
            let gloss = event.detail.flatMap { TCPTraceEvent(detail: $0) }.map(TCPEventGloss.suffix) ?? ""
            return painter.paint("TCP " + words.joined(separator: "; ") + gloss, .transport)
        case .note:
            return painter.paint(words.joined(separator: "; "), .note)
        case .lost:
            return painter.paint(Self.gapText(event), .dropped)
        case .counted:
            return painter.paint(Self.summaryText(event), .note)
        }
    }
}

extension TraceFormatter {
    /// A trace line made to fit `width` columns: broken at spaces, the lines after the first
    /// indented to where the line's text begins (after time, place and mark), so the time
    /// column stays clear. A line that fits is returned whole.
    public static func fit(_ line: String, width: Int) -> [String] {
        guard DisplayWidth.of(line) > width else { return [line] }
        // The hanging indent: leading spaces, then three words (time, place, mark) and their spaces.
        var words = 0, inWord = false, indentEnd = line.startIndex
        for index in line.indices {
            let isSpace = line[index] == " "
            if !isSpace && !inWord { words += 1; if words == 4 { indentEnd = index; break } }
            inWord = !isSpace
        }
        let indent = words == 4 ? DisplayWidth.of(line[..<indentEnd]) : 4
        let continuation = String(repeating: " ", count: min(indent, width / 2))
        // A mark stays with its words: no break inside "↻ retransmission (RACK)" or after "✗".
        var glued = line
        for spaced in Self.unbroken { glued = glued.replacing(spaced, with: spaced.replacing(" ", with: "\u{A0}")) }
        return DisplayWidth.wrap(glued, width: width, continuation: continuation).map { wrapped in
            var out = wrapped
            for spaced in Self.unbroken { out = out.replacing(spaced.replacing(" ", with: "\u{A0}"), with: spaced) }
            return out
        }
    }

    /// Where `fit` does not break a line: after a mark, and between a retransmission and its reason.
    private static let unbroken = ["↻ ", "✗ ", "retransmission (", "재전송 ("]
}
