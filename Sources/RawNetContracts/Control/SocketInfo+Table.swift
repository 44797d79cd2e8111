extension SocketInfo {
    /// The listing as `ss` lays it out. Given a `width` the rows do not fit (a terminal of
    /// 80 columns), each row's process goes on the line under it instead of a last column,
    /// and so does the header's `Process`: the header names every column shown where it is
    /// shown, with or without the internals (`-i`) that follow a row on lines of their own.
    /// `language` "ko" says the table's notes and the retransmissions' reasons in Korean; the
    /// columns and the internals' names stay those of `ss`, as a Linux host prints them.
    public static func table(_ sockets: [SocketInfo], internals: Bool, width: Int? = nil, language: String = "en") -> String {
        let isKorean = language == "ko"
        var rows = [["Netid", "State", "Recv-Q", "Send-Q", "Local Address:Port", "Peer Address:Port", "Process"]]
        var extra: [Int: [String]] = [:]
        var processes: [Int: String] = [0: "Process"]
        for socket in sockets {
            // A connection no app owns any more (socket 0) shows no process, as `ss` shows an orphan.
            let process = socket.appName.map { "(\"\($0)\",pid=\(socket.pid ?? 0),sock=\(socket.id))" }
                ?? (socket.id == 0 ? "" : "(app=\(socket.app),sock=\(socket.id))")
            rows.append([socket.protocolName, socket.state ?? "-", String(socket.receiveQueue ?? 0),
                         String(socket.sendQueue ?? 0), socket.local.replacingAny(), socket.peer ?? "*:*", process])
            processes[rows.count - 1] = process
            if let drops = socket.drops, drops > 0 {
                extra[rows.count - 1] = [isKorean ? "버림 \(drops) (받기 큐가 가득 참)" : "drops \(drops) (receive queue full)"]
            }
            if internals, socket.protocolName == "tcp", let text = socket.internals {
                // Whole "name value" parts on lines that fit 80 columns after the tab, so a
                // terminal never wraps a name away from its value.
                extra[rows.count - 1] = Self.lines(of: TCPSocketStatus(parsing: text)
                    .readableParts(skipping: [.proto, .local, .peer, .state, .recvq, .sendq], language: language), width: 70)
            }
        }
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        let fullWidth = widths.reduce(0, +) + 2 * (widths.count - 1)
        let processBelow = width.map { fullWidth > $0 } ?? false
        if processBelow {
            // The process goes under each row, the header's `Process` under the header.
            for index in rows.indices { rows[index].removeLast() }
        }
        var lines: [String] = []
        for (index, row) in rows.enumerated() {
            let cells = row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }
            lines.append(cells.joined(separator: "  "))
            if processBelow, let process = processes[index], !process.isEmpty { lines.append("\t " + process) }
            for text in extra[index] ?? [] { lines.append("\t " + text) }
        }
        if sockets.isEmpty { lines.append(isKorean ? "(소켓 없음)" : "(no sockets)") }
        return lines.joined(separator: "\n")
    }
}

extension SocketInfo {
    /// `parts` joined by two spaces into lines of at most `width` columns; a longer part
    /// (retransmissions with their reasons) takes lines of its own, broken after its commas
    /// and semicolons.
    static func lines(of parts: [String], width: Int) -> [String] {
        var lines: [String] = [], line = ""
        func put(_ text: String, after separator: String) {
            if !line.isEmpty && columns(line) + separator.count + columns(text) > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : separator) + text
        }
        func endLine() {
            if !line.isEmpty { lines.append(line) }
            line = ""
        }
        for part in parts {
            guard columns(part) > width else {
                put(part, after: "  ")
                continue
            }
            endLine()
            for piece in pieces(of: part) { put(piece, after: " ") }
            endLine()
        }
        endLine()
        return lines
    }

    /// The columns a terminal gives `text`: two for a Hangul syllable or another wide East Asian
    /// character (the Korean reasons), one for the rest of what a listing holds.
    static func columns(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { total, scalar in
            switch scalar.value {
            case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F,
                 0xFF00...0xFF60, 0xFFE0...0xFFE6:
                total + 2
            default:
                total + 1
            }
        }
    }

    /// `text` in runs of words that end at a comma or semicolon (the last run where the text ends).
    static func pieces(of text: String) -> [String] {
        var pieces: [String] = []
        for word in text.split(separator: " ") {
            if let last = pieces.last, !last.hasSuffix(","), !last.hasSuffix(";") {
                pieces[pieces.count - 1] += " " + word
            } else {
                pieces.append(String(word))
            }
        }
        return pieces
    }
}

private extension String {
    /// `0.0.0.0:7000` as `ss` prints a wildcard: `*:7000`.
    func replacingAny() -> String { hasPrefix("0.0.0.0:") ? "*" + dropFirst(7) : self }
}
