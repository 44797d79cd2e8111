import RawNetCore
import RawNetLab
import RawNetLabModel
import RawNetWire
import Testing
@testable import RawNetBench

@Suite struct RIPGridTests {
    @Test func twentyRouterGrid_parsesWithRIPEverywhereAndHostsAtTheCorners() throws {
        let grid = RIPGrid()
        let topology = try TopologyLoader.parse(yaml: grid.yaml(), file: "generated")
        let routers = topology.nodes.filter { $0.kind == .router }
        #expect(routers.count == 20)
        #expect(routers.allSatisfy { $0.rip == grid.timers && $0.routes.isEmpty })
        #expect(topology.links.count == 4 + 4 * 4 + 3 * 5, "4 host cables, 16 across, 15 down")
        #expect(grid.corners == [0, 4, 15, 19])
        #expect(topology.node(named: "h4")?.gateway == IPv4Address("10.4.0.1"))
        #expect(topology.links.contains { Set([$0.a.node, $0.b.node]) == ["r1", "r2"] }, "the link the case cuts")
        #expect(grid.timerText == "update 1s, timeout 6s, garbage 4s, damping 100ms")
    }
}
