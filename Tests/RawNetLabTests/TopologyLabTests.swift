import RawNetContracts
import RawNetCore
import RawNetLab
import RawNetLabModel
import RawNetWire
import Testing

private let configDirectory: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/") + "/Config"
}()

/// The engines of every node of a topology, cabled as its links say, run in memory.
private struct EngineLab {
    var topology: Topology
    var nodes: [String: IPNode] = [:]
    var delivered: [String: [DeliveredPacket]] = [:]
    /// Every forwarded packet, by the router that forwarded it, in order.
    var hops: [(node: String, event: NodeEvent)] = []

    init(_ topology: Topology) {
        self.topology = topology
        for node in topology.nodes { nodes[node.name] = IPNode(node) }
    }

    mutating func run(_ name: String, _ action: (inout IPNode) -> [NodeOutput]) {
        var work: [(String, [NodeOutput])] = [(name, action(&nodes[name]!))]
        while !work.isEmpty {
            let (node, outputs) = work.removeFirst()
            for output in outputs {
                switch output {
                case .transmit(let interface, let frame):
                    let here = LinkEndpoint(node: node, interface: nodes[node]!.interfaces[interface].name)
                    guard let (link, isEndA) = topology.link(attachedTo: here) else { continue }
                    let peer = isEndA ? link.b : link.a
                    let index = nodes[peer.node]!.interfaceIndex(named: peer.interface)!
                    work.append((peer.node, nodes[peer.node]!.receive(frame: frame, on: index, now: .zero)))
                case .deliver(let packet):
                    delivered[node, default: []].append(packet)
                case .event(let event):
                    if case .forwarded = event { hops.append((node, event)) }
                case .dropped:
                    break
                }
            }
        }
    }

    /// traceroute: probes with TTL 1, 2, … until the destination answers; returns who answered each.
    mutating func traceroute(from host: String, to destination: IPv4Address) -> [IPv4Address] {
        var answers: [IPv4Address] = []
        for ttl in 1...8 {
            delivered[host] = []
            run(host) { node in
                node.send(.icmp(.echoRequest(identifier: 1, sequence: UInt16(ttl), payload: [])), to: destination,
                          timeToLive: UInt8(ttl), now: .zero)
            }
            guard let answer = delivered[host]?.first else { break }
            answers.append(answer.header.source)
            if case .icmp(.echoReply) = answer.transport { break }
        }
        return answers
    }
}

@Suite struct TopologyLabTests {
    @Test func builtInLab_engineHasRoutesFromTheFile() {
        let alice = IPNode(TopologyLoader.defaultLab().node(named: "alice")!)
        #expect(!alice.configuration.isForwarding)
        #expect(alice.routingTable.lookup(IPv4Address(10, 0, 2, 20))?.nextHop == IPv4Address(10, 0, 1, 1))
        let r1 = IPNode(TopologyLoader.defaultLab().node(named: "r1")!)
        #expect(r1.configuration.isForwarding)
        #expect(r1.interfaces.map(\.name) == ["eth0", "eth1"])
    }

    @Test func chain_tracerouteListsEveryRouter() throws {
        var lab = EngineLab(try TopologyLoader.load(path: configDirectory + "/chain.yaml"))
        let path = lab.traceroute(from: "alice", to: IPv4Address(10, 0, 2, 20))
        #expect(path.map(\.description) == ["10.0.1.1", "10.0.12.2", "10.0.23.3", "10.0.2.20"])
    }

    @Test func asymmetric_wayBackIsNotTheWayOut() throws {
        var lab = EngineLab(try TopologyLoader.load(path: configDirectory + "/asymmetric.yaml"))
        #expect(lab.traceroute(from: "alice", to: IPv4Address(10, 0, 3, 20)).map(\.description)
                == ["10.0.1.1", "10.0.12.2", "10.0.23.3", "10.0.3.20"])
        #expect(lab.traceroute(from: "bob", to: IPv4Address(10, 0, 1, 10)).map(\.description)
                == ["10.0.3.1", "10.0.34.4", "10.0.41.1", "10.0.1.10"])
        // One ping: the request crosses r1, r2, r3; the reply r3, r4, r1.
        lab.hops = []
        lab.run("alice") { node in
            node.send(.icmp(.echoRequest(identifier: 9, sequence: 1, payload: [])), to: IPv4Address(10, 0, 3, 20),
                      now: .zero)
        }
        #expect(lab.hops.map(\.node) == ["r1", "r2", "r3", "r3", "r4", "r1"])
    }

    @Test func demo_everyHostReachesEveryOther() throws {
        let topology = try TopologyLoader.load(path: configDirectory + "/demo.yaml")
        var lab = EngineLab(topology)
        let hosts = topology.nodes.filter { $0.kind == .host }
        for from in hosts {
            for to in hosts where to.name != from.name {
                lab.delivered[from.name] = []
                lab.run(from.name) { node in
                    node.send(.icmp(.echoRequest(identifier: 1, sequence: 1, payload: [])),
                              to: to.interfaces[0].address.address, now: .zero)
                }
                let reply = lab.delivered[from.name]?.first
                #expect(reply?.header.source == to.interfaces[0].address.address, "\(from.name) -> \(to.name)")
            }
        }
    }
}

@Test func defaultLabUnderAnotherName_isTheDefaultLabRenamed() throws {
    let renamed = try TopologyLoader.parse(yaml: TopologyLoader.defaultLabYAML(named: "chat"), file: "test")
    var expected = TopologyLoader.defaultLab()
    #expect(renamed.name == "chat")
    expected.name = "chat"
    #expect(renamed == expected)
}
