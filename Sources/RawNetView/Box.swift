/// Drawing of boxes with a title, for the layer view: 78 columns wide, or
/// narrower for a narrow terminal (down to `minimumWidth`), never cutting a field.
struct Box {
    /// Total width including the borders, when nothing asks for less.
    static let width = 78
    /// The narrowest box drawn: an 8-byte hex line with its offset and text fits.
    static let minimumWidth = 44
    /// Field names take this many columns; a wrapped value continues under its start.
    static let nameColumns = 18

    var title: String
    var size: String
    var lines: [String] = []
    /// Which of `lines` are fields (name, value), for a view in another language.
    var fields: [Int: (name: String, value: String)] = [:]
    /// Bytes shown as a hex dump after `lines`, laid out for the box's width.
    var hex: [UInt8] = []
    /// Drawn in Korean (`inKorean`): the hex dump's count of the bytes not shown too.
    var isKorean = false

    mutating func field(_ name: String, _ value: String) {
        fields[lines.count] = (name, value)
        lines.append(Text.rightPad(name, Self.nameColumns) + value)
    }

    /// The box with its title, size and field names in Korean (`KoreanViews.layerWords`);
    /// lines that are not fields (data, hex) stay as they are, but for the view's own
    /// words (`KoreanViews.layerLine`: a fragment's "not reassembled", "… 3 more lines").
    var inKorean: Box {
        var box = Box(title: KoreanViews.layerWords[title] ?? title, size: KoreanViews.layerValue(size))
        for (index, line) in lines.enumerated() {
            if let (name, value) = fields[index] {
                box.field(name.isEmpty ? "" : KoreanViews.layerWords[name] ?? name, KoreanViews.layerValue(value))
            } else {
                box.lines.append(KoreanViews.layerLine(line))
            }
        }
        box.hex = hex
        box.isKorean = true
        return box
    }

    /// The box drawn `width` columns wide (clamped to `minimumWidth`…`Box.width`):
    /// a line longer than the box wraps, a field's value under the value's column.
    func render(_ painter: TextPainter, language: ViewLanguage = .en, width: Int = Box.width) -> String {
        if language == .ko { return inKorean.render(painter, width: width) }
        let total = min(Box.width, max(Box.minimumWidth, width))
        let inner = total - 2
        let size = DisplayWidth.of(self.size) + 4 > inner / 2 ? "" : self.size
        let tail = size.isEmpty ? "─" : " " + size + " ─"
        let head = "─ " + Text.truncate(title, max(1, inner - 4 - DisplayWidth.of(tail))) + " "
        let fill = max(1, inner - DisplayWidth.of(head) - DisplayWidth.of(tail))
        var out = "┌" + painter.paint(head, .heading) + String(repeating: "─", count: fill) + tail + "┐\n"
        let textWidth = inner - 2
        let continuation = String(repeating: " ", count: textWidth >= 60 ? Self.nameColumns : 2)
        var shown: [String] = []
        for (index, line) in lines.enumerated() {
            guard DisplayWidth.of(line) > textWidth else { shown.append(line); continue }
            shown += DisplayWidth.wrap(line, width: textWidth, continuation: fields[index] != nil ? continuation : "  ")
        }
        let dump = LayerView.hexLines(hex, perLine: textWidth >= 71 ? 16 : 8)
        shown += isKorean ? dump.map(KoreanViews.layerLine) : dump
        for line in shown {
            out += "│ " + Text.rightPad(Text.truncate(line, textWidth), textWidth) + " │\n"
        }
        out += "└" + String(repeating: "─", count: inner) + "┘\n"
        return out
    }
}
