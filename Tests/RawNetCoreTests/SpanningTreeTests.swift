import RawNetCore
import RawNetWire
import Testing

/// Switches cabled in memory on a virtual clock: frames cross a cable at once
/// (in order), timers fire when the clock reaches them. Every switch has a host
/// port, its last, with no cable: frames leaving it are recorded.
private struct BridgedLab {
    var switches: [EthernetSwitch]
    /// (switch, port) → (switch, port) for each cable, both directions.
    var cables: [Pair: Pair] = [:]
    var now = Instant.zero
    /// Frames that left each switch's host port, by switch.
    var atHosts: [Int: [[UInt8]]] = [:]
    /// Frames carried over cables so far, and BPDUs among them.
    var carried = 0
    var bpdus = 0
    var notes: [(Int, String)] = []

    struct Pair: Hashable { var bridge: Int; var port: Int }

    static let timers = SpanningTreeConfiguration(helloTime: .milliseconds(500), maxAge: .seconds(2),
                                                  forwardDelay: .seconds(1))

    /// Three switches: sw0 p0—sw1 p0, sw0 p1—sw2 p0, sw1 p1—sw2 p1; p2 of each is its host port.
    /// `priorities` decide the root (lower wins).
    static func triangle(priorities: [UInt16] = [4096, 32768, 32768]) -> BridgedLab {
        let switches = (0..<3).map { index in
            var timers = BridgedLab.timers
            timers.priority = priorities[index]
            return EthernetSwitch(
                ports: (0..<3).map { SwitchPort(name: "p\($0)", address: MACAddress(UInt64(0x02_00_00_00_10_00 + index * 16 + $0))) },
                spanningTree: timers, bridgeAddress: MACAddress(UInt64(0x02_00_00_00_00_01 + index)))
        }
        var lab = BridgedLab(switches: switches)
        lab.cable(0, 0, 1, 0)
        lab.cable(0, 1, 2, 0)
        lab.cable(1, 1, 2, 1)
        return lab
    }

    mutating func cable(_ a: Int, _ portA: Int, _ b: Int, _ portB: Int) {
        cables[Pair(bridge: a, port: portA)] = Pair(bridge: b, port: portB)
        cables[Pair(bridge: b, port: portB)] = Pair(bridge: a, port: portA)
    }

    mutating func start() {
        for index in switches.indices { carry(switches[index].start(now: now), from: index) }
    }

    /// Hands outputs to the far ends until nothing moves (or a storm passes 100,000 frames).
    mutating func carry(_ outputs: [SwitchOutput], from bridge: Int) {
        var queue: [(Int, [SwitchOutput])] = [(bridge, outputs)]
        var next = 0
        while next < queue.count, carried < 100_000 {
            let (from, batch) = queue[next]
            next += 1
            for output in batch {
                switch output {
                case .transmit(let port, let frame):
                    guard let far = cables[Pair(bridge: from, port: port)] else {
                        atHosts[from, default: []].append(frame)
                        continue
                    }
                    carried += 1
                    if BPDU.isAddressedToBridges(frame) { bpdus += 1 }
                    queue.append((far.bridge, switches[far.bridge].receive(frame: frame, on: far.port, now: now)))
                case .note(_, let text):
                    notes.append((from, text))
                case .dropped:
                    break
                }
            }
        }
    }

    /// Moves the clock to `end`, firing every timer on the way.
    mutating func run(for span: Duration) {
        let end = now + span
        while let due = switches.compactMap({ $0.nextDeadline() }).min(), due <= end {
            now = max(now, due)
            for index in switches.indices { carry(switches[index].poll(now: now), from: index) }
        }
        now = end
    }

    /// Takes one end of a cable down (its carrier: the far end sees it too when `bothEnds`).
    mutating func cut(_ bridge: Int, _ port: Int, bothEnds: Bool = true) {
        carry(switches[bridge].setPort(port, isUp: false, now: now), from: bridge)
        if bothEnds, let far = cables[Pair(bridge: bridge, port: port)] {
            carry(switches[far.bridge].setPort(far.port, isUp: false, now: now), from: far.bridge)
        }
    }

    func role(_ bridge: Int, _ port: Int) -> SpanningTreePortRole { switches[bridge].spanningTree!.role(of: port) }
    func state(_ bridge: Int, _ port: Int) -> SpanningTreePortState { switches[bridge].spanningTree!.state(of: port) }

    /// (switch, port) of every cabled port that is blocking.
    var blockedCabledPorts: [Pair] {
        cables.keys.filter { state($0.bridge, $0.port) == .blocking }.sorted { ($0.bridge, $0.port) < ($1.bridge, $1.port) }
    }

    /// A broadcast from switch `bridge`'s host: how many copies each host port got.
    mutating func broadcast(from bridge: Int) -> [Int: Int] {
        atHosts = [:]
        var frame: [UInt8] = []
        EthernetHeader(destination: .broadcast, source: MACAddress(0x02_aa_00_00_00_00 | UInt64(bridge)),
                       etherType: .arp).serialize(into: &frame)
        frame += [UInt8](repeating: 0, count: 46)
        carry(switches[bridge].receive(frame: frame, on: 2, now: now), from: bridge)
        return atHosts.mapValues(\.count)
    }
}

@Suite struct SpanningTreeTests {
    @Test func aTriangleElectsTheLowestBridgeAndBlocksExactlyOnePort() {
        var lab = BridgedLab.triangle()
        lab.start()
        lab.run(for: .seconds(5))
        for index in 0..<3 {
            #expect(lab.switches[index].spanningTree!.status().root == "4096.02:00:00:00:00:01")
        }
        #expect(lab.switches[0].spanningTree!.isRoot)
        #expect(lab.role(0, 0) == .designated && lab.role(0, 1) == .designated)
        #expect(lab.role(1, 0) == .root && lab.role(2, 0) == .root)
        // sw1 and sw2 tie on cost to the root; sw1's lower address makes it designated between them.
        #expect(lab.role(1, 1) == .designated)
        #expect(lab.role(2, 1) == .alternate)
        #expect(lab.blockedCabledPorts == [.init(bridge: 2, port: 1)])
        #expect(lab.switches[2].spanningTree!.status().rootCost == 19)
        #expect(lab.notes.contains { $0.0 == 2 && $0.1.hasPrefix("port p1 blocking: alternate to root via port p0") })
        // Every other port forwards, and a broadcast reaches each other host exactly once.
        for (bridge, port) in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (0, 2), (1, 2), (2, 2)] {
            #expect(lab.state(bridge, port) == .forwarding, "sw\(bridge) p\(port)")
        }
        #expect(lab.broadcast(from: 1) == [0: 1, 2: 1])
    }

    @Test func portsListenThenLearnThenForwardAfterTheForwardDelays() {
        var lab = BridgedLab.triangle()
        lab.start()
        #expect(lab.state(0, 0) == .listening)
        lab.run(for: .milliseconds(900))
        #expect(lab.state(0, 0) == .listening)
        lab.run(for: .milliseconds(200))
        #expect(lab.state(0, 0) == .learning)
        // Nothing crosses a switch before its ports forward.
        #expect(lab.broadcast(from: 0) == [:])
        lab.run(for: .seconds(1))
        #expect(lab.state(0, 0) == .forwarding)
    }

    @Test func priorityDecidesTheRootBeforeTheAddress() {
        var lab = BridgedLab.triangle(priorities: [32768, 32768, 8192])
        lab.start()
        lab.run(for: .seconds(5))
        #expect(lab.switches[2].spanningTree!.isRoot)
        #expect(lab.blockedCabledPorts.count == 1)
        // sw0 and sw1 each reach sw2 directly; between them sw0 (lower address) is designated.
        #expect(lab.blockedCabledPorts == [.init(bridge: 1, port: 0)])
    }

    @Test func cuttingARootPortUnblocksTheAlternateAfterTwoForwardDelays() {
        var lab = BridgedLab.triangle()
        lab.start()
        lab.run(for: .seconds(5))
        lab.cut(0, 1)  // sw0—sw2: sw2's root port
        #expect(lab.role(2, 1) == .root)
        #expect(lab.state(2, 1) == .listening)
        #expect(lab.switches[2].spanningTree!.status().rootCost == 38)
        lab.run(for: .milliseconds(1900))
        #expect(lab.state(2, 1) == .learning)
        lab.run(for: .milliseconds(200))
        #expect(lab.state(2, 1) == .forwarding)
        #expect(lab.blockedCabledPorts.isEmpty)
        #expect(lab.broadcast(from: 0) == [1: 1, 2: 1])
        // sw2 told the root, which announced a topology change: tables age in the forward delay.
        #expect(lab.notes.contains { $0.0 == 2 && $0.1.hasPrefix("topology change notified towards the root") })
        #expect(lab.switches.allSatisfy { $0.spanningTree!.topologyChange })
        #expect(lab.switches[1].currentAgeingTime == .seconds(1))
        // It ends after max age plus forward delay.
        lab.run(for: .seconds(5))
        #expect(lab.switches.allSatisfy { !$0.spanningTree!.topologyChange })
        #expect(lab.switches[1].currentAgeingTime == .seconds(300))
    }

    @Test func aOneSidedCutIsNoticedAfterMaxAgeThenTheAlternateForwards() {
        var lab = BridgedLab.triangle()
        lab.start()
        lab.run(for: .seconds(5))
        // Only the root's end goes down: sw2 hears nothing more on p0 and waits for max age.
        lab.cut(0, 1, bothEnds: false)
        lab.run(for: .milliseconds(1500))
        #expect(lab.state(2, 1) == .blocking)
        lab.run(for: .seconds(1))
        #expect(lab.role(2, 1) == .root)
        lab.run(for: .seconds(2))
        #expect(lab.state(2, 1) == .forwarding)
        #expect(lab.broadcast(from: 0) == [1: 1, 2: 1])
    }

    @Test func bringingTheLinkBackBlocksOnePortAgain() {
        var lab = BridgedLab.triangle()
        lab.start()
        lab.run(for: .seconds(5))
        lab.cut(0, 1)
        lab.run(for: .seconds(5))
        for (bridge, port) in [(0, 1), (2, 0)] {
            lab.carry(lab.switches[bridge].setPort(port, isUp: true, now: lab.now), from: bridge)
        }
        lab.run(for: .seconds(5))
        #expect(lab.blockedCabledPorts == [.init(bridge: 2, port: 1)])
        #expect(lab.broadcast(from: 2) == [0: 1, 1: 1])
    }

    @Test func withoutSpanningTreeATriangleStormsAndBPDUsAreDroppedWithAReason() {
        let switches = (0..<3).map { _ in EthernetSwitch(ports: (0..<3).map { SwitchPort(name: "p\($0)") }) }
        var lab = BridgedLab(switches: switches)
        lab.cable(0, 0, 1, 0)
        lab.cable(0, 1, 2, 0)
        lab.cable(1, 1, 2, 1)
        _ = lab.broadcast(from: 0)
        #expect(lab.carried >= 100_000)
        var plain = EthernetSwitch(ports: [SwitchPort(name: "p0")])
        let bpdu = BPDU.topologyChangeNotification.frame(from: MACAddress(0x02_00_00_00_00_09))
        let out = plain.receive(frame: bpdu, on: 0, now: .zero)
        #expect(out.count == 1)
        if case .dropped(_, let reason, _, let detail) = out.first {
            #expect(reason == .bpduIgnored)
            #expect(detail == "spanning tree is off on this switch")
        } else {
            Issue.record("expected a drop, got \(out)")
        }
    }

    @Test func aBlockedPortDropsDataWithAReasonAndLearnsNothing() {
        var lab = BridgedLab.triangle()
        lab.start()
        lab.run(for: .seconds(5))
        var frame: [UInt8] = []
        EthernetHeader(destination: .broadcast, source: MACAddress(0x02_bb_00_00_00_01), etherType: .arp).serialize(into: &frame)
        frame += [UInt8](repeating: 0, count: 46)
        let out = lab.switches[2].receive(frame: frame, on: 1, now: lab.now)
        #expect(out.count == 1)
        if case .dropped(_, let reason, _, let detail) = out.first {
            #expect(reason == .portBlocked)
            #expect(detail == "port p1 is blocking")
        }
        #expect(lab.switches[2].port(of: MACAddress(0x02_bb_00_00_00_01)) == nil)
    }

    /// Found by the `bpdu` fuzz target: a root port taking a hello time of 0 from a
    /// BPDU restarted its timers at the same instant forever (a daemon would spin).
    @Test func fuzz_aBPDUWithHelloTimeZero_isKeptInRange_andTimersMoveOn() {
        // The fuzz target's steps with the input it found (Tests/Fuzz/corpus/bpdu/config-hello-zero-found-by-fuzzing).
        let timers = SpanningTreeConfiguration(helloTime: .milliseconds(500), maxAge: .seconds(2), forwardDelay: .seconds(1))
        var bridge = EthernetSwitch(ports: ["p1", "p2", "p3"].map { SwitchPort(name: $0) }, spanningTree: timers,
                                    bridgeAddress: MACAddress(0x02_00_00_00_00_05))
        _ = bridge.start(now: .zero)
        let config = BPDU.Configuration(
            topologyChangeAcknowledgment: true, rootID: BridgeID(priority: 4096, address: MACAddress(0x02_5e_00_00_00_01)),
            rootPathCost: 38, bridgeID: BridgeID(priority: 32768, address: MACAddress(0x02_5e_00_00_00_02)),
            portID: 0x8003, messageAge: 512, maxAge: 5120, helloTime: 0, forwardDelay: 0x025e)
        let frame = BPDU.configuration(config).frame(from: MACAddress(0x02_5e_00_00_00_02))
        for port in 0..<3 { _ = bridge.receive(frame: frame, on: port, now: .zero + .milliseconds(100 * port)) }
        #expect(bridge.spanningTree?.helloTime == SpanningTreeConfiguration.helloRange.lowerBound)
        _ = bridge.poll(now: .zero + .seconds(3))
        _ = bridge.setPort(0, isUp: false, now: .zero + .seconds(4))
        _ = bridge.poll(now: .zero + .seconds(10))
        #expect((bridge.nextDeadline() ?? .distantFuture) > .zero + .seconds(10))
    }

    @Test func aPortGoingDown_isNotedOnce_withWhatItForgot() {
        let timers = SpanningTreeConfiguration(helloTime: .milliseconds(500), maxAge: .seconds(2), forwardDelay: .seconds(1))
        var bridge = EthernetSwitch(ports: ["p1", "p2"].map { SwitchPort(name: $0) }, spanningTree: timers,
                                    bridgeAddress: MACAddress(0x02_00_00_00_00_07))
        _ = bridge.start(now: .zero)
        _ = bridge.poll(now: .zero + .seconds(3))   // alone, it is the root: both ports forward
        let hello = Frame.ipv4(ethernet: EthernetHeader(destination: .broadcast, source: MACAddress(0x02_aa_00_00_00_01),
                                                        etherType: .ipv4),
                               ip: IPv4Header(timeToLive: 64, protocolNumber: .udp, source: IPv4Address(10, 0, 0, 1),
                                              destination: IPv4Address(10, 0, 0, 255)),
                               udp: UDPHeader(sourcePort: 9, destinationPort: 9), payload: [1])
        _ = bridge.receive(frame: hello, on: 0, now: .zero + .seconds(3))
        let notes = bridge.setPort(0, isUp: false, now: .zero + .seconds(4)).compactMap { output -> String? in
            if case .note(_, let text) = output, text.contains("flushed") { text } else { nil }
        }
        #expect(notes == ["port p1 down: flushed 1 address"], "not a second note that flushed 0")
    }

    @Test func configurationsOutsideTheRangesAreNamed() {
        #expect(SpanningTreeConfiguration.standard.problem == nil)
        #expect(BridgedLab.timers.problem == nil)
        #expect(SpanningTreeConfiguration(priority: 100).problem?.field == "priority")
        #expect(SpanningTreeConfiguration(helloTime: .seconds(1), maxAge: .seconds(2), forwardDelay: .seconds(2)).problem?.field == "max_age")
        #expect(SpanningTreeConfiguration(helloTime: .milliseconds(500), maxAge: .seconds(5), forwardDelay: .seconds(2)).problem?.message
            == "must be at most twice the forward delay (4s), not 5s")
        #expect(SpanningTreeConfiguration(helloTime: .seconds(11)).problem?.field == "hello")
    }
}
