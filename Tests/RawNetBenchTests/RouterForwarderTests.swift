import RawNetContracts
import RawNetPlatform
import RawNetWire
import Testing
@testable import RawNetBench

/// The router side of `forward`: frames are real and addressed through the
/// router, and one short run of the scenario measures both cases.
@Suite(.serialized) struct RouterForwarderTests {
    private var sides: RawNetSides {
        var sides = RawNetSides.referencesOnly
        RouterForwarder.plug(into: &sides)
        return sides
    }

    @Test func frame_isAValidUDPFrameThroughTheRouter() throws {
        let frame = RouterForwarder.frame(size: 1514, from: RouterForwarder.left, to: RouterForwarder.right)
        #expect(frame.count == 1514)
        let decoded = DecodedFrame(parsing: frame)
        #expect(decoded.error == nil)
        let ethernet = try EthernetHeader(parsing: frame)
        #expect(ethernet.destination == RouterForwarder.left.routerMAC)
        #expect(ethernet.source == RouterForwarder.left.macAddress)
        guard case .ipv4(let header, .udp) = decoded.payload else {
            Issue.record("not IPv4/UDP: \(decoded.payload)")
            return
        }
        #expect(header.source == RouterForwarder.left.address)
        #expect(header.destination == RouterForwarder.right.address)
        #expect(header.timeToLive == 64)
        #expect(Int(header.totalLength) == 1500)
        let small = RouterForwarder.frame(size: 20, from: RouterForwarder.right, to: RouterForwarder.left)
        #expect(small.count == EthernetView.minimumFrameLength)
        #expect(DecodedFrame(parsing: small).error == nil)
    }

    @Test(arguments: LinkSocketKind.allCases)
    func router_forwardsBothWaysWithTTLDecremented(linkSocket: LinkSocketKind) throws {
        let router = try RouterForwarder(executable: RouterForwarder.locateRawnet(), workDirectory: "/tmp",
                                         cpus: [0], bypassImpairment: false, socketKind: linkSocket)
        defer { router.stop() }
        // The start-up already checked one frame each way; now count a short burst.
        let rate = try FrameTraffic.throughput(through: router.rightToLeft, frame: router.frame(size: 1514, towardsRight: false),
                                               count: 500, cpus: [0])
        #expect(rate > 100, "\(rate) frames/s")
        router.stop()
        #expect(!FileSystem.exists(router.runDirectory), "the lab directory is removed")
    }


    /// Between runs the harness's cables are closed: over seqpacket the router loses the
    /// carrier (after `CableLoss`'s grace) and flushes its ARP cache, as Linux does. Each run
    /// asks ARP again before traffic, so a run after the outage still forwards every frame.
    @Test func seqpacket_aRunAfterTheCarrierWasLost_stillForwards() throws {
        let router = try RouterForwarder(executable: RouterForwarder.locateRawnet(), workDirectory: "/tmp",
                                         cpus: [0], bypassImpairment: false, socketKind: .seqpacket)
        defer { router.stop() }
        for run in 0..<2 {
            let rate = try FrameTraffic.throughput(through: router.leftToRight,
                                                   frame: router.frame(size: 1514, towardsRight: true),
                                                   count: 300, cpus: [0], stallTimeout: .seconds(2))
            #expect(rate > 100, "run \(run): \(rate) frames/s")
            MonotonicClock.sleep(for: .milliseconds(800))  // longer than the grace: the carrier goes
        }
        let status = try String(decoding: FileSystem.readBytes(at: SocketPaths(runDirectory: router.runDirectory).logFile(node: "r1")), as: UTF8.self)
        #expect(status.contains("carrier lost: left:eth0's cable closed"), "\(status.suffix(1500))")
    }
    @Test func forward_smokeMeasuresRouterAndEngineOverhead() throws {
        let results = try ForwardScenario(rawnet: sides).run(options: .smoke(), log: { _ in })
        #expect(results.count == 5)
        #expect(results.prefix(2).map(\.name) == LinkSocketKind.allCases.sorted { a, _ in a == .default }
            .map { "1514-byte frames through one forwarder, \($0) links" })
        for result in results {
            #expect(result.error == nil, "\(result.name): \(result.error ?? "")")
            #expect(try #require(result.measured).summary.median > 1_000, "\(result.name)")
            #expect(try #require(result.reference).summary.median > 1_000, "\(result.name)")
            #expect(result.ratio != nil)
            if result.name.contains("seqpacket vs datagram") { continue }
            #expect(result.goal?.isMet != nil, "a measured goal is met or not, not pending")
        }
        #expect(results.last?.measured?.label == "router, idle impairment engine")
        #expect(results.last?.reference?.label == "router, engine bypassed")
        #expect(results[2].measured?.label == "router, seqpacket links")
        #expect(results[2].reference?.label == "router, datagram links")
        #expect(results[3].measured?.label == "relay, seqpacket" && results[3].reference?.label == "relay, datagram")
    }

    /// `rawnet bench capture`: the router with `rawnet capture` running and without, both measured.
    @Test func capture_smokeMeasuresTheRouterWatchedAndNot() throws {
        let results = try CaptureScenario(rawnet: sides).run(options: .smoke(), log: { _ in })
        #expect(results.count == 1)
        let result = try #require(results.first)
        #expect(result.error == nil, "\(result.error ?? "")")
        #expect(result.measured?.label == "router, rawnet capture running" && result.reference?.label == "router, no capture")
        #expect(try #require(result.measured).summary.median > 100)
        #expect(try #require(result.reference).summary.median > 1_000)
        #expect(result.ratio != nil)
    }
}
