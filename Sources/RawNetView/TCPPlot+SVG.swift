extension TCPPlot {
    static let newColour = "#1f77b4", retransmitColour = "#d62728", ackColour = "#2ca02c"
    static let sackColour = "#ff7f0e", cwndColour = "#9467bd", ssthreshColour = "#7f7f7f"

    /// A panel's plotting area and its value ranges.
    struct Frame {
        var left: Double, top: Double, width: Double, height: Double
        var xLow: Double, xHigh: Double, yLow: Double, yHigh: Double
        func x(_ v: Double) -> Double { left + (v - xLow) / max(xHigh - xLow, 1e-9) * width }
        func y(_ v: Double) -> Double { top + height - (v - yLow) / max(yHigh - yLow, 1e-9) * height }
    }

    /// The SVG document (UTF-8 text), `width` × `height` pixels.
    public func renderSVG(width: Int = 900, height: Int = 660) -> String {
        var svg = SVGCanvas(width: width, height: height)
        let direction = connection.map { fromClient ? "\($0.client) → \($0.server)" : "\($0.server) → \($0.client)" } ?? "no connection"
        let title = "TCP \(direction), sent by \(senderName)"
        svg.text(Double(width) / 2, 22, title, anchor: "middle", size: 15, bold: true)

        let allTimes = bars.map(\.time) + acks.map(\.time) + windows.map(\.time)
        let xHigh = max((allTimes.max() ?? 1) * 1.04, 1)
        let left = 80.0, plotWidth = Double(width) - left - 30
        let topHeight = (Double(height) - 170) * 0.62, bottomHeight = (Double(height) - 170) * 0.38
        let seqHigh = max((bars.map(\.high) + acks.map(\.value) + sacks.map(\.high)).max() ?? 1, 1) * 1.05
        let top = Frame(left: left, top: 60, width: plotWidth, height: topHeight,
                        xLow: 0, xHigh: xHigh, yLow: 0, yHigh: seqHigh)
        let cwndMax = windows.compactMap(\.cwnd).max() ?? 0
        let ssMax = windows.compactMap(\.ssthresh).max() ?? 0
        // A huge ssthresh ("infinite" before the first loss) would flatten cwnd: cap the scale.
        let windowHigh = max(cwndMax > 0 ? max(cwndMax, min(ssMax, cwndMax * 2)) : ssMax, 1) * 1.1
        let bottom = Frame(left: left, top: 60 + topHeight + 65, width: plotWidth, height: bottomHeight,
                           xLow: 0, xHigh: xHigh, yLow: 0, yHigh: windowHigh)

        svg.open("defs")
        for (id, f) in [("seq-area", top), ("cwnd-area", bottom)] {
            svg.open("clipPath", [("id", id)])
            svg.element("rect", [("x", SVGCanvas.number(f.left)), ("y", SVGCanvas.number(f.top)),
                                 ("width", SVGCanvas.number(f.width)), ("height", SVGCanvas.number(f.height))])
            svg.close("clipPath")
        }
        svg.close("defs")

        axes(&svg, top, xLabel: "time (ms)", yLabel: "relative sequence number (bytes)")
        svg.open("g", [("clip-path", "url(#seq-area)")])
        // Acknowledged so far: a step line.
        var ackPoints: [(Double, Double)] = []
        var highest = 0.0
        for a in acks {
            if let last = ackPoints.last { ackPoints.append((top.x(a.time), last.1)) }
            highest = max(highest, a.value)
            ackPoints.append((top.x(a.time), top.y(highest)))
        }
        if let last = ackPoints.last { ackPoints.append((top.x(xHigh), last.1)) }
        svg.polyline(ackPoints, stroke: TCPPlot.ackColour)
        for s in sacks {
            svg.line(top.x(s.time) + 3, top.y(s.low), top.x(s.time) + 3, top.y(s.high), stroke: TCPPlot.sackColour, width: 4)
        }
        for b in bars {
            let colour = b.isRetransmission ? TCPPlot.retransmitColour : TCPPlot.newColour
            let x = top.x(b.time)
            svg.line(x, top.y(b.low), x, top.y(b.high), stroke: colour, width: 2)
            svg.line(x - 3, top.y(b.high), x + 3, top.y(b.high), stroke: colour, width: 1.5)
            if b.isLost {
                let y = top.y(b.high) - 8
                svg.line(x - 4, y - 4, x + 4, y + 4, stroke: TCPPlot.retransmitColour, width: 2)
                svg.line(x - 4, y + 4, x + 4, y - 4, stroke: TCPPlot.retransmitColour, width: 2)
            }
        }
        svg.close("g")
        legend(&svg, x: top.left, y: top.top - 10, entries: [
            ("segment sent", TCPPlot.newColour, nil), ("retransmitted", TCPPlot.retransmitColour, nil),
            ("lost (✗)", TCPPlot.retransmitColour, "2,2"), ("acknowledged", TCPPlot.ackColour, nil),
            ("SACKed block", TCPPlot.sackColour, nil),
        ])

        axes(&svg, bottom, xLabel: "time (ms)", yLabel: "bytes")
        if windows.isEmpty {
            svg.text(bottom.left + bottom.width / 2, bottom.top + bottom.height / 2,
                     "no cwnd=… ssthresh=… transport events for this sender", anchor: "middle", fill: "#888")
        } else {
            svg.open("g", [("clip-path", "url(#cwnd-area)")])
            for (keyPath, colour, dash) in [(\(time: Double, cwnd: Double?, ssthresh: Double?).cwnd, TCPPlot.cwndColour, nil as String?),
                                            (\.ssthresh, TCPPlot.ssthreshColour, "6,4")] {
                var points: [(Double, Double)] = []
                for w in windows {
                    guard let v = w[keyPath: keyPath] else { continue }
                    if let last = points.last { points.append((bottom.x(w.time), last.1)) }
                    points.append((bottom.x(w.time), bottom.y(min(v, windowHigh * 1.5))))
                }
                if let last = points.last { points.append((bottom.x(xHigh), last.1)) }
                svg.polyline(points, stroke: colour, width: 2, dash: dash)
            }
            svg.close("g")
            var entries: [(String, String, String?)] = [("cwnd", TCPPlot.cwndColour, nil), ("ssthresh", TCPPlot.ssthreshColour, "6,4")]
            if ssMax > windowHigh {
                entries[1].0 = "ssthresh (above the top: \(Int(ssMax)))"
            } else if hasUnsetThreshold {
                entries[1].0 = ssMax > 0 ? "ssthresh (not set before the first loss)" : "ssthresh (not set: no loss)"
            }
            legend(&svg, x: bottom.left, y: bottom.top - 10, entries: entries)
        }
        return svg.document(title: title)
    }

    private func axes(_ svg: inout SVGCanvas, _ f: Frame, xLabel: String, yLabel: String) {
        svg.element("rect", [("x", SVGCanvas.number(f.left)), ("y", SVGCanvas.number(f.top)),
                             ("width", SVGCanvas.number(f.width)), ("height", SVGCanvas.number(f.height)),
                             ("fill", "none"), ("stroke", "#444")])
        for v in Ticks.values(low: f.xLow, high: f.xHigh) {
            let x = f.x(v)
            svg.line(x, f.top + f.height, x, f.top + f.height + 5, stroke: "#444")
            svg.line(x, f.top, x, f.top + f.height, stroke: "#eee")
            svg.text(x, f.top + f.height + 18, SVGCanvas.number(v), anchor: "middle", size: 11)
        }
        for v in Ticks.values(low: f.yLow, high: f.yHigh, about: 5) {
            let y = f.y(v)
            svg.line(f.left - 5, y, f.left, y, stroke: "#444")
            svg.line(f.left, y, f.left + f.width, y, stroke: "#eee")
            svg.text(f.left - 8, y + 4, SVGCanvas.number(v), anchor: "end", size: 11)
        }
        svg.text(f.left + f.width / 2, f.top + f.height + 36, xLabel, anchor: "middle")
        svg.text(f.left - 60, f.top + f.height / 2, yLabel, anchor: "middle", rotate: true)
    }

    /// A one-row legend whose baseline is at `y`: a line sample and a label per entry.
    private func legend(_ svg: inout SVGCanvas, x: Double, y: Double, entries: [(String, String, String?)]) {
        var cursor = x
        for entry in entries {
            svg.line(cursor, y - 4, cursor + 20, y - 4, stroke: entry.1, width: 3, dash: entry.2)
            svg.text(cursor + 25, y, entry.0, size: 11)
            cursor += 25 + Double(entry.0.count) * 6.5 + 18
        }
    }
}
