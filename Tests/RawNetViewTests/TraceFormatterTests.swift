import Testing
import RawNetCore
import RawNetWire
@testable import RawNetView

@Suite struct TraceFormatterTests {
    @Test func dump() {
        var f = TraceFormatter()
        print(f.format(Fixture.exchange))
    }
}
