/// A tiny SVG writer: elements appended as text, every attribute and text escaped,
/// numbers written with at most two decimals (no Foundation needed).
struct SVGCanvas {
    private(set) var body = ""
    let width: Int
    let height: Int

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// XML text escaping for content and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // Control characters other than tab/newline are not allowed in XML 1.0.
                if let ascii = ch.asciiValue, ascii < 0x20, ascii != 0x09, ascii != 0x0A, ascii != 0x0D { out += " " }
                else { out.append(ch) }
            }
        }
        return out
    }

    /// `value` with at most two decimals, no trailing zeros, no exponent.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let hundredths = Int64((min(max(value, -1e15), 1e15) * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = hundredths.magnitude
        let whole = magnitude / 100, fraction = magnitude % 100
        if fraction == 0 { return sign + "\(whole)" }
        let digits = fraction % 10 == 0 ? "\(fraction / 10)" : (fraction < 10 ? "0\(fraction)" : "\(fraction)")
        return sign + "\(whole).\(digits)"
    }

    private static func attributes(_ pairs: [(String, String)]) -> String {
        pairs.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    mutating func raw(_ text: String) { body += text + "\n" }

    mutating func element(_ name: String, _ pairs: [(String, String)], text: String? = nil) {
        if let text {
            body += "<\(name)\(SVGCanvas.attributes(pairs))>\(SVGCanvas.escape(text))</\(name)>\n"
        } else {
            body += "<\(name)\(SVGCanvas.attributes(pairs))/>\n"
        }
    }

    mutating func open(_ name: String, _ pairs: [(String, String)] = []) {
        body += "<\(name)\(SVGCanvas.attributes(pairs))>\n"
    }

    mutating func close(_ name: String) { body += "</\(name)>\n" }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String,
                       width: Double = 1, dash: String? = nil) {
        var pairs = [("x1", SVGCanvas.number(x1)), ("y1", SVGCanvas.number(y1)), ("x2", SVGCanvas.number(x2)),
                     ("y2", SVGCanvas.number(y2)), ("stroke", stroke), ("stroke-width", SVGCanvas.number(width))]
        if let dash { pairs.append(("stroke-dasharray", dash)) }
        element("line", pairs)
    }

    mutating func text(_ x: Double, _ y: Double, _ content: String, anchor: String = "start",
                       size: Int = 12, fill: String = "#222", rotate: Bool = false, bold: Bool = false) {
        var pairs = [("x", SVGCanvas.number(x)), ("y", SVGCanvas.number(y)), ("text-anchor", anchor),
                     ("font-size", "\(size)"), ("fill", fill)]
        if bold { pairs.append(("font-weight", "bold")) }
        if rotate { pairs.append(("transform", "rotate(-90 \(SVGCanvas.number(x)) \(SVGCanvas.number(y)))")) }
        element("text", pairs, text: content)
    }

    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5, dash: String? = nil) {
        guard !points.isEmpty else { return }
        let text = points.map { "\(SVGCanvas.number($0.0)),\(SVGCanvas.number($0.1))" }.joined(separator: " ")
        var pairs = [("points", text), ("fill", "none"), ("stroke", stroke), ("stroke-width", SVGCanvas.number(width))]
        if let dash { pairs.append(("stroke-dasharray", dash)) }
        element("polyline", pairs)
    }

    func document(title: String) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\">\n"
            + "<title>\(SVGCanvas.escape(title))</title>\n"
            + "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"white\"/>\n"
            + body + "</svg>\n"
    }
}

/// Evenly spaced round tick values (steps of 1, 2 or 5 × 10ⁿ) covering `low...high`.
enum Ticks {
    static func values(low: Double, high: Double, about count: Int = 6) -> [Double] {
        let span = high - low
        guard span > 0, span.isFinite else { return [low] }
        let step = self.step(span / Double(max(1, count)))
        let first = (low / step).rounded(.up) * step
        var values: [Double] = []
        var v = first
        while v <= high + step * 1e-9 && values.count < 100 {
            values.append(abs(v) < step * 1e-9 ? 0 : v)
            v += step
        }
        return values
    }

    static func step(_ raw: Double) -> Double {
        var magnitude = 1.0
        while magnitude * 10 <= raw { magnitude *= 10 }
        while magnitude > raw { magnitude /= 10 }
        let fraction = raw / magnitude
        return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude
    }
}
