import RawNetCore
import RawNetWire

/// A tiny in-memory lab for IPNode tests: node engines joined by perfect wires,
/// a virtual clock, and a log of everything that happened.
struct TestLab {
    struct Port: Hashable {
        var node: String
        var interface: Int
    }

    struct Sent {
        var from: Port
        var frame: [UInt8]
    }

    var nodes: [String: IPNode] = [:]
    var wires: [Port: Port] = [:]
    var now = Instant.zero
    /// Every frame put on a wire, in order.
    var sent: [Sent] = []
    var delivered: [String: [DeliveredPacket]] = [:]
    var drops: [String: [DropRecord]] = [:]
    var events: [String: [NodeEvent]] = [:]

    mutating func connect(_ a: String, _ aInterface: Int, _ b: String, _ bInterface: Int) {
        let left = Port(node: a, interface: aInterface), right = Port(node: b, interface: bInterface)
        wires[left] = right
        wires[right] = left
    }

    /// Lets node `name` act, then moves frames until the network is quiet.
    mutating func run(_ name: String, _ action: (inout IPNode, Instant) -> [NodeOutput]) {
        var node = nodes[name]!
        let outputs = action(&node, now)
        nodes[name] = node
        settle(outputs, from: name)
    }

    /// Advances the clock to `time`, polling every node at each deadline on the way.
    mutating func advance(to time: Instant) {
        while true {
            let due = nodes.compactMap { name, node in node.nextDeadline().map { (name, $0) } }
                .filter { $0.1 <= time }
                .min { ($0.1, $0.0) < ($1.1, $1.0) }
            guard let (name, deadline) = due else { break }
            now = max(now, deadline)
            run(name) { node, now in node.poll(now: now) }
        }
        now = time
    }

    private mutating func settle(_ first: [NodeOutput], from origin: String) {
        var work: [(String, [NodeOutput])] = [(origin, first)]
        var steps = 0
        while !work.isEmpty {
            steps += 1
            precondition(steps < 10_000, "the lab does not settle")
            let (name, outputs) = work.removeFirst()
            for output in outputs {
                switch output {
                case .transmit(let interface, let frame):
                    let port = Port(node: name, interface: interface)
                    sent.append(Sent(from: port, frame: frame))
                    guard let peer = wires[port] else { continue }
                    var node = nodes[peer.node]!
                    let reaction = node.receive(frame: frame, on: peer.interface, now: now)
                    nodes[peer.node] = node
                    work.append((peer.node, reaction))
                case .deliver(let packet):
                    delivered[name, default: []].append(packet)
                case .dropped(let record):
                    drops[name, default: []].append(record)
                case .event(let event):
                    events[name, default: []].append(event)
                }
            }
        }
    }

    func frames(from node: String) -> [[UInt8]] {
        sent.filter { $0.from.node == node }.map(\.frame)
    }

    // MARK: Fixtures

    static let alice = IPv4Address(10, 0, 1, 10)
    static let bob = IPv4Address(10, 0, 2, 20)
    static let r1West = IPv4Address(10, 0, 1, 1)
    static let r1East = IPv4Address(10, 0, 2, 1)

    static func interface(_ node: String, _ name: String, _ address: String) -> IPInterface {
        IPInterface(name: name, macAddress: MACAddress.derived(from: "\(node).\(name)"),
                    address: IPv4InterfaceAddress(address)!)
    }

    /// alice 10.0.1.10 — eth0 r1 eth1 — bob 10.0.2.20, as in the default lab.
    static func basic(arp: ARPCacheConfiguration = ARPCacheConfiguration()) -> TestLab {
        var lab = TestLab()
        var alice = IPNode(interfaces: [interface("alice", "eth0", "10.0.1.10/24")],
                           configuration: IPNodeConfiguration(isForwarding: false, arp: arp))
        alice.setDefaultGateway(r1West)
        var bob = IPNode(interfaces: [interface("bob", "eth0", "10.0.2.20/24")],
                         configuration: IPNodeConfiguration(isForwarding: false, arp: arp))
        bob.setDefaultGateway(r1East)
        let r1 = IPNode(interfaces: [interface("r1", "eth0", "10.0.1.1/24"), interface("r1", "eth1", "10.0.2.1/24")],
                        configuration: IPNodeConfiguration(isForwarding: true, arp: arp))
        lab.nodes = ["alice": alice, "bob": bob, "r1": r1]
        lab.connect("alice", 0, "r1", 0)
        lab.connect("r1", 1, "bob", 0)
        return lab
    }
}

extension DeliveredPacket {
    var icmp: ICMPMessage? {
        if case .icmp(let message) = transport { return message }
        return nil
    }
}
