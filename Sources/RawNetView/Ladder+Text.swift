import RawNetWire

extension Ladder {
    /// The diagram for a terminal: time (ms) on the left, the client's lane and the
    /// server's lane as vertical lines, one arrow per segment, notes on the right.
    /// Every row has the same width up to the server lane. `translate` turns the
    /// ladder's own words (titles, notes, annotations) into another language; widths
    /// are counted in display columns.
    public func renderText(usesColour: Bool = false, translate: (String) -> String = { $0 }) -> String {
        let painter = TextPainter(usesColour: usesColour)
        guard connection != nil else { return translate("no TCP connection in these events") + "\n" }
        let labels = rows.map { row -> Int in
            switch row {
            case .segment(_, _, let label, _, _): return DisplayWidth.of(label)
            case .note(_, _, let text): return DisplayWidth.of(translate(text))
            // Its mark goes between the lanes, which are 12 wider than the longest label: 2 to spare.
            case .gap(_, let until, _): return DisplayWidth.of(gapMark(until: until, translate: translate)) - 10
            }
        }
        let titles = (client: translate(self.titles.client), server: translate(self.titles.server))
        // Inner width between the lanes: room for the longest label, its arrow and a lost mark.
        let inner = max(44, (labels.max() ?? 0) + 12, DisplayWidth.of(titles.client) + 4)
        let timeWidth = 10
        var out = Text.rightPad(" " + translate("time (ms)"), timeWidth) + "  "
            + painter.paint(Text.rightPad(titles.client, inner + 1), .place) + painter.paint(titles.server, .place) + "\n"
        let blank = String(repeating: " ", count: timeWidth) + "  │" + String(repeating: " ", count: inner) + "│"
        // Said first: a number like seq=0 here is not a SYN's, and the reader should know before reading it.
        if countsFromFirstSeen { out += "  " + translate(Self.countedFromFirstSeen) + "\n" }
        out += blank + "\n"
        for row in rows {
            let time = Text.leftPad(Text.milliseconds(nanoseconds: row.time &- startTime), timeWidth)
            var line = painter.paint(time, .time) + "  │"
            switch row {
            case .segment(_, let fromClient, let label, let lostAt, let annotations):
                let role: TextPainter.Role = lostAt != nil ? .dropped : fromClient ? .outgoing : .incoming
                line += painter.paint(Ladder.arrow(label: label, fromClient: fromClient, isLost: lostAt != nil,
                                                   width: inner), role) + "│"
                if !annotations.isEmpty {
                    let role: TextPainter.Role = lostAt != nil ? .dropped : .impaired
                    line += "  " + painter.paint(annotations.map(translate).joined(separator: "; "), role)
                }
            case .note(_, let atClient, let text):
                let text = translate(text)
                let body = atClient ? Text.rightPad(" " + text, inner) : Text.leftPad(text + " ", inner)
                line += painter.paint(body, .transport) + "│"
            case .gap(_, let until, let text):
                let mark = gapMark(until: until, translate: translate)
                line += painter.paint(Text.rightPad(" " + mark, inner), .dropped) + "│  " + painter.paint(translate(text), .dropped)
            }
            out += line + "\n"
        }
        out += blank + "\n"
        return out
    }

    /// What a gap's row says between the lanes: `⋯ events missing here, until 309.832 ms`.
    func gapMark(until: Int64, translate: (String) -> String) -> String {
        translate("⋯ events missing here, until \(Text.milliseconds(nanoseconds: until &- startTime)) ms")
    }

    /// An arrow exactly `width` characters wide.
    static func arrow(label: String, fromClient: Bool, isLost: Bool, width: Int) -> String {
        let text = " \(label) "
        if fromClient {
            // ─ label ────▶   or   ─ label ──✗
            let head = "─" + text
            if isLost {
                let stop = max(head.count + 2, width * 2 / 3)
                return head + String(repeating: "─", count: stop - head.count) + "✗"
                    + String(repeating: " ", count: max(0, width - stop - 1))
            }
            return head + String(repeating: "─", count: max(1, width - head.count - 1)) + "▶"
        } else {
            // ◀──── label ─   or   ✗── label ─
            let tail = text + "─"
            if isLost {
                let start = min(width - tail.count - 3, width / 3)
                return String(repeating: " ", count: max(0, start)) + "✗"
                    + String(repeating: "─", count: max(1, width - start - 1 - tail.count)) + tail
            }
            return "◀" + String(repeating: "─", count: max(1, width - tail.count - 1)) + tail
        }
    }

    /// The diagram as Mermaid text (`sequenceDiagram`): `->>` for delivered segments,
    /// `-x` for lost ones, notes over a participant.
    public func renderMermaid() -> String {
        var out = "sequenceDiagram\n"
        guard connection != nil else { return out + "    Note over client: no TCP connection in these events\n" }
        let titles = titles
        out += "    participant C as \(Ladder.mermaidText(titles.client, isName: true))\n"
        out += "    participant S as \(Ladder.mermaidText(titles.server, isName: true))\n"
        for row in rows {
            let time = Text.milliseconds(nanoseconds: row.time &- startTime) + " ms"
            switch row {
            case .segment(_, let fromClient, let label, let lostAt, let annotations):
                let (from, to) = fromClient ? ("C", "S") : ("S", "C")
                let arrow = lostAt != nil ? "-x" : "->>"
                var text = "\(time) \(label)"
                if !annotations.isEmpty { text += " (" + annotations.joined(separator: ", ") + ")" }
                out += "    \(from)\(arrow)\(to): \(Ladder.mermaidText(text))\n"
            case .note(_, let atClient, let text):
                out += "    Note over \(atClient ? "C" : "S"): \(Ladder.mermaidText("\(time) \(text)"))\n"
            case .gap(_, _, let text):
                out += "    Note over C,S: \(Ladder.mermaidText("\(time) \(text)"))\n"
            }
        }
        return out
    }

    /// Text safe inside a Mermaid line: no `;` or `#` (statement and entity syntax), no
    /// newlines; in participant names no colon either (`A:P` becomes `A port P`).
    static func mermaidText(_ text: String, isName: Bool = false) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case ";": out.append(",")
            case "#": out.append("no.")
            case "\n", "\r": out.append(" ")
            case ":" where isName: out.append(" port ")
            default: out.append(ch)
            }
        }
        return out
    }
}
