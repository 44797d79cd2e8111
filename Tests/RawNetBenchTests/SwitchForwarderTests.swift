import RawNetPlatform
import RawNetWire
import Testing
@testable import RawNetBench

/// The switch side of `switch`: a real switch daemon passes known unicast port to port.
@Suite(.serialized) struct SwitchForwarderTests {
    @Test(arguments: LinkSocketKind.allCases)
    func switch_carriesFramesBothWaysUnchanged(linkSocket: LinkSocketKind) throws {
        let sw = try SwitchForwarder(executable: RouterForwarder.locateRawnet(), workDirectory: "/tmp", cpus: [0],
                                     socketKind: linkSocket)
        defer { sw.stop() }
        #expect(DecodedFrame(parsing: sw.frame(size: 1514, towardsRight: true)).error == nil)
        let rate = try FrameTraffic.throughput(through: sw.rightToLeft, frame: sw.frame(size: 1514, towardsRight: false),
                                               count: 500, cpus: [0])
        #expect(rate > 100, "\(rate) frames/s")
        sw.stop()
        #expect(!FileSystem.exists(sw.runDirectory), "the lab directory is removed")
    }

    @Test func switch_smokeMeasuresSwitchRelayAndRouter() throws {
        var sides = RawNetSides.referencesOnly
        RouterForwarder.plug(into: &sides)
        SwitchForwarder.plug(into: &sides)
        let results = try SwitchScenario(rawnet: sides).run(options: .smoke(), log: { _ in })
        #expect(results.count == 3)
        for result in results {
            #expect(result.error == nil, "\(result.name): \(result.error ?? "")")
            #expect(try #require(result.measured).summary.median > 1_000, "\(result.name)")
            #expect(try #require(result.reference).summary.median > 1_000, "\(result.name)")
        }
        #expect(results.last?.reference?.label == "router")
    }
}
