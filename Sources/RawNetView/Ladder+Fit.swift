extension Ladder {
    /// The text ladder (`renderText`) made to fit `width` terminal columns, as the tour
    /// prints it: titles wider than that put the server's on a line of its own, ending at
    /// its lane; a row whose notes do not fit beside the lanes keeps its arrow, and its
    /// notes go on the lines below, between the lanes. Nothing is cut.
    public static func fit(_ text: String, width: Int) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard lines.count >= 2 else { return lines }
        // The first line with lanes is the blank one under the titles (and under a note said first).
        let laneIndex = lines.dropFirst().firstIndex { $0.contains("│") } ?? 1
        let lanes = lines[laneIndex]
        return fitTitles(lines[0], lanes: lanes, width: width)
            + lines[1..<laneIndex].flatMap { DisplayWidth.wrap($0, width: width, continuation: "  ") } + [lanes]
            + lines.dropFirst(laneIndex + 1).flatMap { fitRow($0, lanes: lanes, width: width) }
    }

    /// The title line, or the client's title and then the server's on a line of its own.
    public static func fitTitles(_ titles: String, lanes: String, width: Int) -> [String] {
        guard DisplayWidth.of(titles) > width, let gap = titles.ranges(of: "  ").last else { return [titles] }
        let client = String(titles[..<gap.lowerBound].reversed().drop { $0 == " " }.reversed())
        let server = String(titles[gap.upperBound...].drop { $0 == " " })
        return [client, DisplayWidth.leftPad(server, DisplayWidth.of(lanes))]
    }

    /// One row, its notes wrapped between the lanes below it when the row is wider than `width`.
    public static func fitRow(_ line: String, lanes: String, width: Int) -> [String] {
        guard DisplayWidth.of(line) > width, let first = line.firstIndex(of: "│"),
              let second = line[line.index(after: first)...].firstIndex(of: "│") else { return [line] }
        let end = line.index(after: second)
        let margin = String(lanes.prefix { $0 == " " })
        let inner = DisplayWidth.of(lanes) - DisplayWidth.of(margin) - 2
        // A mark stays with the words after it: no line ends in a lone "✗" or "↻".
        let notes = String(line[end...].drop { $0 == " " }).replacing("✗ ", with: "✗\u{A0}").replacing("↻ ", with: "↻\u{A0}")
        return [String(line[..<end])] + DisplayWidth.wrap(notes, width: inner - 2).map {
            margin + "│ " + DisplayWidth.rightPad($0.replacing("✗\u{A0}", with: "✗ ").replacing("↻\u{A0}", with: "↻ "), inner - 2) + " │"
        }
    }
}
