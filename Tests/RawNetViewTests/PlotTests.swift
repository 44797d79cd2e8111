import Testing
import RawNetCore
import RawNetWire
@testable import RawNetView

@Suite struct PlotTests {
    @Test func xmlCheck_catchesWhatItShould() {
        #expect(XMLCheck.problem(in: "<?xml version=\"1.0\"?>\n<a x=\"1\"><b/>t &amp; &#38;</a>\n") == nil)
        #expect(XMLCheck.problem(in: "<a><b></a></b>") != nil)
        #expect(XMLCheck.problem(in: "<a x=\"1\" x=\"2\"/>") != nil)
        #expect(XMLCheck.problem(in: "<a>1 < 2</a>") != nil)
        #expect(XMLCheck.problem(in: "<a>AT&T</a>") != nil)
        #expect(XMLCheck.problem(in: "<a x=1/>") != nil)
        #expect(XMLCheck.problem(in: "<a/><b/>") != nil)
        #expect(XMLCheck.problem(in: "<a>") != nil)
    }

    @Test func scriptedExchange_svgIsWellFormedAndShowsEverySeries() {
        let plot = TCPPlot(events: Fixture.exchange)
        #expect(plot.fromClient)
        #expect(plot.bars.count == 6)                            // SYN, 3 data, retransmission, FIN
        #expect(plot.bars.filter(\.isRetransmission).count == 1)
        #expect(plot.bars.filter(\.isLost).map(\.low) == [7])
        #expect(plot.sacks.map { [$0.low, $0.high] } == [[13, 19]])
        #expect(plot.windows.map(\.cwnd) == [14600, 17520, 1460, 2920])
        let svg = plot.renderSVG()
        #expect(XMLCheck.problem(in: svg) == nil)
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        for needle in [TCPPlot.newColour, TCPPlot.retransmitColour, TCPPlot.ackColour, TCPPlot.sackColour,
                       TCPPlot.cwndColour, TCPPlot.ssthreshColour, ">time (ms)<", ">relative sequence number (bytes)<",
                       ">ssthresh (above the top: 65535)<", "TCP 10.0.1.10:40000 → 10.0.2.20:7000, sent by alice"] {
            #expect(svg.contains(needle), "missing \(needle)")
        }
    }

    @Test func unsetSSThresh_isNamedNotPrintedAsANumber() {
        // A connection's ssthresh before its first loss is a huge "not set" value.
        let unset = "\(Int.max / 2)"
        let events = Fixture.exchange.map { e -> TraceEvent in
            var copy = e
            copy.detail = copy.detail?.replacing("ssthresh=65535", with: "ssthresh=\(unset)")
            return copy
        }
        let plot = TCPPlot(events: events)
        #expect(plot.hasUnsetThreshold)
        #expect(plot.windows.map(\.ssthresh) == [nil, nil, 8760, 8760])
        let svg = plot.renderSVG()
        #expect(XMLCheck.problem(in: svg) == nil)
        #expect(svg.contains(">ssthresh (not set before the first loss)<"))
        #expect(!svg.contains(unset))
        let noLoss = TCPPlot(events: events.filter { !($0.detail?.contains("ssthresh=8760") ?? false) })
        #expect(noLoss.renderSVG().contains(">ssthresh (not set: no loss)<"))
    }

    @Test func otherDirection_andNoWindowEvents() {
        let plot = TCPPlot(events: Fixture.exchange.filter { $0.kind != .transport }, direction: .serverToClient)
        #expect(!plot.fromClient)
        #expect(plot.bars.count == 2)                            // SYN-ACK and FIN
        let svg = plot.renderSVG(width: 640, height: 480)
        #expect(XMLCheck.problem(in: svg) == nil)
        #expect(svg.contains("no cwnd=… ssthresh=… transport events for this sender"))
        #expect(svg.contains("width=\"640\" height=\"480\""))
    }

    @Test func hostileNames_areEscaped() {
        let events = Fixture.exchange.map { e -> TraceEvent in
            var copy = e
            if copy.node == "alice" { copy.node = "<a&'b\">\u{1}" }
            return copy
        }
        let svg = TCPPlot(events: events).renderSVG()
        #expect(XMLCheck.problem(in: svg) == nil)
        #expect(svg.contains("sent by &lt;a&amp;&apos;b&quot;&gt; </title>"))
    }

    @Test func emptyInput_stillAValidDocument() {
        let svg = TCPPlot(events: []).renderSVG()
        #expect(XMLCheck.problem(in: svg) == nil)
        #expect(svg.contains("no connection"))
    }

    @Test func ticks_areRoundAndCoverTheRange() {
        #expect(Ticks.values(low: 0, high: 310) == [0, 100, 200, 300])
        #expect(Ticks.values(low: 0, high: 310, about: 10) == [0, 50, 100, 150, 200, 250, 300])
        #expect(Ticks.values(low: 0, high: 21, about: 5) == [0, 5, 10, 15, 20])
        #expect(Ticks.values(low: 0, high: 0.9).map(SVGCanvas.number) == ["0", "0.2", "0.4", "0.6", "0.8"])
        #expect(SVGCanvas.number(1.005) == "1" || SVGCanvas.number(1.005) == "1.01")
        #expect(SVGCanvas.number(-2.5) == "-2.5")
        #expect(SVGCanvas.number(.nan) == "0")
        #expect(SVGCanvas.number(1e300) == "1000000000000000")
    }
}
