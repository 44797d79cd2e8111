import RawNetContracts
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import Testing
@testable import RawNetBench

@Suite struct TopologyGeneratorTests {
    @Test(arguments: TopologyGenerator.Shape.allCases)
    func hundredNodeLab_parsesAndValidates(shape: TopologyGenerator.Shape) throws {
        let generator = try TopologyGenerator(routers: 30, hosts: 70, shape: shape)
        let topology = try TopologyLoader.parse(yaml: generator.yaml(), file: "generated",
                                                runDirectory: "/tmp/rawnet-0/scale")
        #expect(topology.nodes.count == 100)
        #expect(topology.nodes.filter { $0.kind == .router }.count == 30)
        #expect(topology.nodes.filter { $0.kind == .host }.count == 70)
        // A tree (or chain) of 30 routers has 29 router links, plus one link per host.
        #expect(topology.links.count == 29 + 70)
    }

    /// 10,000 connections need more than a host's default TCP budget: the far pair
    /// gets a `tcp_mem:` that holds them, which the lab's parser reads back.
    @Test func manyConnections_raiseTheFarPairsTCPMemory() throws {
        #expect(ScaleLab.tcpMemory(forConnections: 1_000) == nil)
        #expect(ScaleLab.tcpMemory(forConnections: 4_000) == nil, "16 MB and a quarter more fit in 24 MB")
        let memory = try #require(ScaleLab.tcpMemory(forConnections: 10_000))
        #expect(memory == 49 * 1024 * 1024 && memory >= 10_000 * 4 * 1024)
        var generator = try TopologyGenerator(routers: 30, hosts: 70, shape: .tree)
        let far = try #require(generator.farHostPair())
        generator.tcpMemory = [far.from: memory, far.to: memory]
        let topology = try TopologyLoader.parse(yaml: generator.yaml(), file: "generated")
        let raised = topology.nodes.filter { $0.tcpMemory != nil }.map(\.name).sorted()
        #expect(raised == [TopologyGenerator.hostName(far.from), TopologyGenerator.hostName(far.to)].sorted())
        #expect(topology.node(named: TopologyGenerator.hostName(far.to))?.tcpMemory == memory)
    }

    @Test func twoHundredNodeLab_splitsOverTwoMachinesAtOneSubtree() throws {
        let generator = try TopologyGenerator(name: "bsplit", routers: 60, hosts: 140, shape: .tree)
        let (yaml, secondHosts) = generator.split(first: "10.252.0.1", second: "10.252.0.2")
        let m1 = try TopologyLoader.parse(yaml: yaml, file: "generated", part: "m1")
        let m2 = try TopologyLoader.parse(yaml: yaml, file: "generated", part: "m2")
        #expect(m1.nodes.count + m2.nodes.count == 200)
        #expect(m1.remoteNodes.count == m2.nodes.count && m2.remoteNodes.count == m1.nodes.count)
        #expect(m2.nodes.filter { $0.kind == .host }.count == secondHosts.count)
        #expect(secondHosts.count > 40 && secondHosts.count < 100, "about half the hosts: \(secondHosts.count)")
        // One link crosses: r3 (the root's second child) to r1, a tunnel at each end.
        #expect(m1.links.filter { $0.tunnel != nil }.map(\.name) == ["r1:eth1-r3:eth0"])
        #expect(m2.links.filter { $0.tunnel != nil }.map(\.name) == ["r3:eth0-r1:eth1"])
        #expect(m2.node(named: "r3") != nil && m2.node(named: "r7") != nil && m1.node(named: "r2") != nil)
    }

    @Test func everyRouter_routesEveryHostSubnet() throws {
        let generator = try TopologyGenerator(routers: 7, hosts: 20, shape: .tree)
        let topology = try TopologyLoader.parse(yaml: generator.yaml(), file: "generated")
        for router in topology.nodes where router.kind == .router {
            let connected = router.interfaces.map(\.address.prefix)
            let routed = router.routes.map(\.destination)
            let hasDefault = routed.contains { $0.length == 0 }
            for host in topology.nodes where host.kind == .host {
                let address = host.interfaces[0].address.address
                let covered = connected.contains { $0.contains(address) } || routed.contains { $0.length > 0 && $0.contains(address) }
                // Routers other than the root may leave hosts outside their subtree to the default route.
                #expect(covered || hasDefault, "\(router.name) has no way to \(host.name)")
            }
        }
        let root = try #require(topology.node(named: "r1"))
        #expect(!root.routes.contains { $0.destination.length == 0 }, "the root has no parent to default to")
    }

    @Test func chainParentsAndFarPair() throws {
        let generator = try TopologyGenerator(routers: 5, hosts: 10, shape: .chain)
        #expect(generator.parent(of: 0) == nil)
        #expect(generator.parent(of: 4) == 3)
        let pair = try #require(generator.farHostPair())
        #expect(generator.router(ofHost: pair.from) == 0)
        #expect(generator.router(ofHost: pair.to) == 4)
    }

    @Test func badCounts_areRefused() {
        #expect(throws: BenchError.self) { try TopologyGenerator(routers: 0, hosts: 1) }
        #expect(throws: BenchError.self) { try TopologyGenerator(routers: 1, hosts: -1) }
    }
}
