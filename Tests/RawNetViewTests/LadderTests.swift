import Testing
import RawNetCore
import RawNetWire
@testable import RawNetView

@Suite struct LadderTests {
    @Test func dump() {
        let l = Ladder(events: Fixture.exchange)
        print(l.renderText())
        print(l.renderMermaid())
    }
}
