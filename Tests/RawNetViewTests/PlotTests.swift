import Testing
import Foundation
import RawNetCore
import RawNetWire
@testable import RawNetView

@Suite struct PlotTests {
    @Test func dump() throws {
        let svg = TCPPlot(events: Fixture.exchange).renderSVG()
        try svg.write(toFile: "/tmp/plot.svg", atomically: true, encoding: .utf8)
    }
}
