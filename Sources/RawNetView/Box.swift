/// Drawing of fixed-width boxes with a title, for the layer view.
struct Box {
    /// Total width including the borders.
    static let width = 78

    var title: String
    var size: String
    var lines: [String] = []

    mutating func field(_ name: String, _ value: String) {
        lines.append(Text.rightPad(name, 18) + value)
    }

    func render(_ painter: TextPainter) -> String {
        let inner = Box.width - 2
        let head = "─ " + title + " "
        let tail = size.isEmpty ? "─" : " " + size + " ─"
        let fill = max(1, inner - head.count - tail.count)
        var out = "┌" + painter.paint(head, .heading) + String(repeating: "─", count: fill) + tail + "┐\n"
        for line in lines {
            let text = Text.truncate(line, inner - 2)
            out += "│ " + Text.rightPad(text, inner - 2) + " │\n"
        }
        out += "└" + String(repeating: "─", count: inner) + "┘\n"
        return out
    }
}
