import Testing
import RawNetCore
import RawNetWire
@testable import RawNetView

@Suite struct LayerViewTests {
    @Test func dump() {
        let e = Fixture.exchange.first { $0.kind == .sent && ($0.frame?.count ?? 0) > 60 }!
        print(LayerView.render(frame: e.frame!))
        print(Encapsulation.render(frame: e.frame!))
        let syn = Fixture.exchange[1].frame!
        print(LayerView.render(frame: syn))
    }
}
