/// Drawing of fixed-width boxes with a title, for the layer view.
struct Box {
    /// Total width including the borders.
    static let width = 78

    var title: String
    var size: String
    var lines: [String] = []
    /// Which of `lines` are fields (name, value), for a view in another language.
    var fields: [Int: (name: String, value: String)] = [:]

    mutating func field(_ name: String, _ value: String) {
        fields[lines.count] = (name, value)
        lines.append(Text.rightPad(name, 18) + value)
    }

    /// The box with its title, size and field names in Korean (`KoreanViews.layerWords`);
    /// lines that are not fields (data, hex) stay as they are.
    var inKorean: Box {
        var box = Box(title: KoreanViews.layerWords[title] ?? title, size: KoreanViews.layerValue(size))
        for (index, line) in lines.enumerated() {
            if let (name, value) = fields[index] {
                box.field(name.isEmpty ? "" : KoreanViews.layerWords[name] ?? name, KoreanViews.layerValue(value))
            } else {
                box.lines.append(line)
            }
        }
        return box
    }

    func render(_ painter: TextPainter, language: ViewLanguage = .en) -> String {
        if language == .ko { return inKorean.render(painter) }
        let inner = Box.width - 2
        let head = "─ " + title + " "
        let tail = size.isEmpty ? "─" : " " + size + " ─"
        let fill = max(1, inner - DisplayWidth.of(head) - DisplayWidth.of(tail))
        var out = "┌" + painter.paint(head, .heading) + String(repeating: "─", count: fill) + tail + "┐\n"
        for line in lines {
            let text = Text.truncate(line, inner - 2)
            out += "│ " + Text.rightPad(text, inner - 2) + " │\n"
        }
        out += "└" + String(repeating: "─", count: inner) + "┘\n"
        return out
    }
}
