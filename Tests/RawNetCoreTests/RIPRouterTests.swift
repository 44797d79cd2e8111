import Testing
@testable import RawNetCore
import RawNetWire

/// RIP routers joined by links on a virtual clock. Link k is 10.0.k.0/24 (end a
/// .1, end b .2); each router also has a stub network 10.9.N.0/24 of its own.
/// Messages sent to the group reach the other end of the link; `hold` keeps
/// some back (lost or late) so orderings can be chosen.
struct RIPLab {
    var routers: [RIPRouter]
    /// (router a, its interface, router b, its interface) per link.
    var links: [(a: Int, ia: Int, b: Int, ib: Int)]
    var now = Instant.zero
    /// In flight: to router, on interface, from address, message.
    var queue: [(to: Int, interface: Int, from: IPv4Address, message: RIPMessage)] = []
    /// Messages from this (router, interface) are lost while it says so.
    var isLost: (Int, Int) -> Bool = { _, _ in false }
    var outputs: [[RIPOutput]]
    /// The highest metric each router ever had for each destination.
    var highest: [IPv4Prefix: Int] = [:]

    static let update = Duration.seconds(2), timeout = Duration.seconds(12), garbage = Duration.seconds(8)

    init(routers count: Int, links: [(Int, Int)]) {
        var addresses = (0..<count).map { [IPv4InterfaceAddress("10.9.\($0).1/24")!] }
        var table: [(a: Int, ia: Int, b: Int, ib: Int)] = []
        for (k, (a, b)) in links.enumerated() {
            addresses[a].append(IPv4InterfaceAddress("10.0.\(k).1/24")!)
            addresses[b].append(IPv4InterfaceAddress("10.0.\(k).2/24")!)
            table.append((a, addresses[a].count - 1, b, addresses[b].count - 1))
        }
        let configuration = RIPConfiguration(update: Self.update, timeout: Self.timeout, garbage: Self.garbage,
                                             damping: .milliseconds(200))
        routers = addresses.map { RIPRouter(addresses: $0, configuration: configuration, now: .zero) }
        self.links = table
        outputs = Array(repeating: [], count: count)
    }

    /// Starts every router, then lets a second pass: the triggered updates of
    /// the start are out, so the next change is announced at once.
    mutating func start() {
        for index in routers.indices { take(routers[index].start(now: now), from: index) }
        deliverAll()
        run(for: .seconds(1))
    }

    /// Queues what router `index` sent; records everything it output.
    mutating func take(_ output: [RIPOutput], from index: Int) {
        outputs[index] += output
        for case .send(let interface, _, _, let message) in output where !isLost(index, interface) {
            for link in links {
                if link.a == index && link.ia == interface {
                    queue.append((link.b, link.ib, routers[index].addresses[interface].address, message))
                } else if link.b == index && link.ib == interface {
                    queue.append((link.a, link.ia, routers[index].addresses[interface].address, message))
                }
            }
        }
        for route in routers[index].routes.values {
            highest[route.destination] = max(highest[route.destination] ?? 0, route.metric)
        }
    }

    mutating func deliverAll() {
        var rounds = 0
        while !queue.isEmpty && rounds < 10_000 {
            let item = queue.removeFirst()
            take(routers[item.to].receive(item.message, from: item.from, port: 520, on: item.interface, now: now),
                 from: item.to)
            rounds += 1
        }
    }

    /// Advances the clock in `step`s, polling every router and delivering at each.
    mutating func run(for span: Duration, step: Duration = .milliseconds(100)) {
        let end = now + span
        while now < end {
            now = now + step
            for index in routers.indices { take(routers[index].poll(now: now), from: index) }
            deliverAll()
        }
    }

    func metric(_ router: Int, _ destination: String) -> Int? {
        routers[router].routes[IPv4Prefix(destination)!]?.metric
    }

    func nextHop(_ router: Int, _ destination: String) -> IPv4Address? {
        routers[router].routes[IPv4Prefix(destination)!]?.nextHop
    }
}

@Suite struct RIPRouterTests {
    @Test func triangle_learnsEveryStubAtItsDistance() {
        var lab = RIPLab(routers: 3, links: [(0, 1), (1, 2), (2, 0)])
        lab.start()
        for router in 0..<3 {
            for stub in 0..<3 {
                #expect(lab.metric(router, "10.9.\(stub).0/24") == (router == stub ? 1 : 2), "r\(router) to stub \(stub)")
            }
        }
        // Link 1 (r1–r2) is one hop from r0 either way: metric 2.
        #expect(lab.metric(0, "10.0.1.0/24") == 2)
        // Installed routes name the neighbour; connected ones are not installed.
        #expect(lab.outputs[0].contains { if case .install(let r) = $0 { r.destination == IPv4Prefix("10.9.2.0/24") } else { false } })
        #expect(!lab.outputs[0].contains { if case .install(let r) = $0 { r.isConnected } else { false } })
        #expect(lab.nextHop(0, "10.9.2.0/24") == IPv4Address("10.0.2.1"))
    }

    @Test func line_announcesRoutesBackPoisoned() {
        // r0 — r1 — r2: r1 learns r2's stub from r2 and tells r2 it is unreachable through r1.
        var lab = RIPLab(routers: 3, links: [(0, 1), (1, 2)])
        lab.start()
        let towardR2 = lab.links[1].ia
        let entries = lab.routers[1].advertised(on: towardR2, changedOnly: false)
        let stub2 = entries.first { $0.prefix == IPv4Prefix("10.9.2.0/24") }
        let stub0 = entries.first { $0.prefix == IPv4Prefix("10.9.0.0/24") }
        #expect(stub2?.metric == 16, "poisoned reverse toward the router it was learned from")
        #expect(stub0?.metric == 2, "learned from the other side: real metric")
        // And r2 so never takes a route to its own stub, nor to r0's through a loop.
        #expect(lab.metric(2, "10.9.0.0/24") == 3)
    }

    @Test func interfaceDown_poisonsRoutesThroughItAtOnce() {
        var lab = RIPLab(routers: 3, links: [(0, 1), (1, 2)])
        lab.start()
        let r1TowardR2 = lab.links[1].ia
        let output = lab.routers[1].setInterface(r1TowardR2, isUp: false, now: lab.now)
        #expect(output.contains(.withdraw(IPv4Prefix("10.9.2.0/24")!)))
        #expect(lab.metric(1, "10.9.2.0/24") == 16)
        // The triggered update leaves at once on the interface still up, with metric 16.
        let poisoned = output.contains {
            if case .send(let interface, _, _, let message) = $0, interface == lab.links[0].ib {
                return message.entries.contains { $0.prefix == IPv4Prefix("10.9.2.0/24") && $0.metric == 16 }
            }
            return false
        }
        #expect(poisoned)
        lab.take(output, from: 1)
        lab.deliverAll()
        #expect(lab.metric(0, "10.9.2.0/24") == 16, "r0 hears the poison without waiting for a timeout")
        lab.run(for: RIPLab.garbage + .seconds(1))
        #expect(lab.metric(0, "10.9.2.0/24") == nil, "garbage collected")
    }

    @Test func silentNeighbour_timesOutThenIsGarbageCollected() {
        var lab = RIPLab(routers: 2, links: [(0, 1)])
        lab.start()
        #expect(lab.metric(0, "10.9.1.0/24") == 2)
        lab.isLost = { router, _ in router == 1 }
        let heard = lab.routers[0].routes[IPv4Prefix("10.9.1.0/24")!]!.refreshedAt
        lab.run(for: heard + RIPLab.timeout - .milliseconds(500) - lab.now)
        #expect(lab.metric(0, "10.9.1.0/24") == 2, "still valid just before the timeout")
        lab.run(for: .seconds(1))
        #expect(lab.metric(0, "10.9.1.0/24") == 16, "timed out: unreachable")
        #expect(lab.outputs[0].contains(.withdraw(IPv4Prefix("10.9.1.0/24")!)))
        lab.run(for: RIPLab.garbage)
        #expect(lab.metric(0, "10.9.1.0/24") == nil, "forgotten after the garbage-collection time")
        // Heard again: learned again.
        lab.isLost = { _, _ in false }
        lab.run(for: RIPLab.update + .milliseconds(200))
        #expect(lab.metric(0, "10.9.1.0/24") == 2)
    }

    @Test func linkFailure_convergesOnTheOtherWayAndBack() {
        var lab = RIPLab(routers: 3, links: [(0, 1), (1, 2), (2, 0)])
        lab.start()
        #expect(lab.nextHop(0, "10.9.1.0/24") == IPv4Address("10.0.0.2"))
        let (a, ia, b, ib) = lab.links[0]
        lab.take(lab.routers[a].setInterface(ia, isUp: false, now: lab.now), from: a)
        lab.take(lab.routers[b].setInterface(ib, isUp: false, now: lab.now), from: b)
        lab.run(for: .seconds(1))
        #expect(lab.metric(0, "10.9.1.0/24") == 3)
        #expect(lab.nextHop(0, "10.9.1.0/24") == IPv4Address("10.0.2.1"), "via r2 now")
        lab.take(lab.routers[a].setInterface(ia, isUp: true, now: lab.now), from: a)
        lab.take(lab.routers[b].setInterface(ib, isUp: true, now: lab.now), from: b)
        lab.run(for: .seconds(1))
        #expect(lab.metric(0, "10.9.1.0/24") == 2)
        #expect(lab.nextHop(0, "10.9.1.0/24") == IPv4Address("10.0.0.2"), "the direct way back")
    }

    @Test func countToInfinity_stopsAt16() {
        // Triangle; r2's stub vanishes. r2's poison reaches r1 but is lost toward
        // r0, and r0's last regular update (stub via r2, metric 2) reaches r1
        // after the poison: r1 believes r0, and the stale route loops until the
        // metric counts up to 16.
        var lab = RIPLab(routers: 3, links: [(0, 1), (1, 2), (2, 0)])
        lab.start()
        let r2TowardR0 = lab.links[2].ia
        lab.isLost = { router, interface in router == 2 && interface == r2TowardR0 }
        lab.take(lab.routers[2].setInterface(0, isUp: false, now: lab.now), from: 2)
        lab.deliverAll()
        #expect(lab.metric(1, "10.9.2.0/24") == 16)
        // r0's stale full update reaches r1.
        let r0TowardR1 = lab.links[0].ia
        lab.take(lab.routers[0].update(on: r0TowardR1, changedOnly: false), from: 0)
        lab.deliverAll()
        #expect(lab.metric(1, "10.9.2.0/24") == 3, "r1 took the stale path through r0")
        lab.isLost = { _, _ in false }
        lab.run(for: .seconds(120))
        #expect((lab.highest[IPv4Prefix("10.9.2.0/24")!] ?? 0) > 3, "the bad news counted up")
        #expect((lab.highest[IPv4Prefix("10.9.2.0/24")!] ?? 0) <= 16, "never past infinity")
        for router in 0..<3 {
            #expect(lab.metric(router, "10.9.2.0/24") == nil, "r\(router) forgot the stub network")
        }
    }

    @Test func triggeredUpdates_areDampedAndCarryOnlyChanges() {
        var lab = RIPLab(routers: 2, links: [(0, 1)])
        lab.start()
        let t0 = lab.now
        var first = lab.routers[0].setInterface(0, isUp: false, now: t0)
        #expect(first.contains { if case .send = $0 { true } else { false } }, "the first triggered update goes at once")
        let sent = first.compactMap { if case .send(_, _, _, let m) = $0 { m } else { nil } }
        #expect(sent.allSatisfy { $0.entries.count == 1 && $0.entries[0].prefix == IPv4Prefix("10.9.0.0/24") })
        first = lab.routers[0].setInterface(0, isUp: true, now: t0 + .milliseconds(50))
        let updatesOnLink = first.filter { if case .send(1, _, _, let m) = $0 { m.command == .response } else { false } }
        // Interface 0 came up: its full update there; the link (interface 1) waits for the damping.
        #expect(updatesOnLink.isEmpty)
        #expect(lab.routers[0].triggerAt == t0 + .milliseconds(200))
        let later = lab.routers[0].poll(now: t0 + .milliseconds(200))
        #expect(later.contains { if case .send(1, _, _, let m) = $0 { m.entries.first?.metric == 1 } else { false } })
    }

    @Test func badResponses_areRejectedOrIgnored() {
        var router = RIPRouter(addresses: [IPv4InterfaceAddress("10.0.0.1/24")!], now: .zero)
        let good = RIPMessage(command: .response, entries: [.init(prefix: IPv4Prefix("10.5.0.0/16")!, metric: 1)])
        #expect(router.receive(good, from: IPv4Address("10.0.0.2")!, port: 9999, on: 0, now: .zero)
            == [.rejected(interface: 0, detail: "RIP response from port 9999, not 520")])
        let outsider = router.receive(good, from: IPv4Address("10.7.0.2")!, port: 520, on: 0, now: .zero)
        #expect(outsider.count == 1 && { if case .rejected = outsider[0] { true } else { false } }())
        let junk = RIPMessage(command: .response, entries: [
            .init(prefix: IPv4Prefix("127.0.0.0/8")!, metric: 1),
            .init(prefix: IPv4Prefix("224.0.0.0/4")!, metric: 1),
            .init(address: IPv4Address("10.6.0.0")!, mask: IPv4Address("255.0.255.0")!, metric: 1),
            .init(prefix: IPv4Prefix("10.8.0.0/16")!, metric: 0),
            .init(prefix: IPv4Prefix("10.8.0.0/16")!, metric: 17),
            .init(addressFamily: 7, address: .any, mask: .any, metric: 1),
        ])
        let output = router.receive(junk, from: IPv4Address("10.0.0.2")!, port: 520, on: 0, now: .zero)
        #expect(output.count == 6 && output.allSatisfy { if case .note = $0 { true } else { false } })
        #expect(router.routes.count == 1, "only the connected network")
    }

    @Test func tableLimit_boundsTheRoutesHeld() {
        let configuration = RIPConfiguration(maximumRoutes: 5)
        var router = RIPRouter(addresses: [IPv4InterfaceAddress("10.0.0.1/24")!], configuration: configuration, now: .zero)
        let flood = RIPMessage(command: .response, entries: (1...25).map {
            .init(prefix: IPv4Prefix(network: IPv4Address(UInt32(0x0B00_0000 + $0 << 8)), length: 24), metric: 1)
        })
        _ = router.receive(flood, from: IPv4Address("10.0.0.2")!, port: 520, on: 0, now: .zero)
        #expect(router.routes.count == 5)
    }

    @Test func wholeTableRequest_isAnsweredToTheAskerWithSplitHorizon() {
        var lab = RIPLab(routers: 2, links: [(0, 1)])
        lab.start()
        let asker = IPv4Address("10.0.0.2")!
        let output = lab.routers[0].receive(.wholeTableRequest, from: asker, port: 520, on: lab.links[0].ia, now: lab.now)
        guard case .send(_, let destination, let port, let message)? = output.first else {
            Issue.record("no answer")
            return
        }
        #expect(destination == asker && port == 520 && message.command == .response)
        #expect(message.entries.first { $0.prefix == IPv4Prefix("10.9.1.0/24") }?.metric == 16)
        #expect(message.entries.first { $0.prefix == IPv4Prefix("10.9.0.0/24") }?.metric == 1)
    }
}

@Suite struct RoutingTablePreferenceTests {
    @Test func staticBeatsRIP_connectedBeatsBoth_longestPrefixFirst() {
        var table = RoutingTable()
        let prefix = IPv4Prefix("10.3.0.0/24")!
        table.replace(Route(destination: prefix, nextHop: IPv4Address("10.0.1.2"), interface: 1, kind: .rip, metric: 2))
        #expect(table.lookup(IPv4Address("10.3.0.9")!)?.kind == .rip)
        table.add(Route(destination: prefix, nextHop: IPv4Address("10.0.2.2"), interface: 2, kind: .static, metric: 5))
        #expect(table.lookup(IPv4Address("10.3.0.9")!)?.kind == .static, "static (1) beats rip (120) whatever the metric")
        table.add(Route(destination: IPv4Prefix("10.3.0.128/25")!, nextHop: IPv4Address("10.0.1.2"), interface: 1, kind: .rip, metric: 9))
        #expect(table.lookup(IPv4Address("10.3.0.200")!)?.kind == .rip, "a longer prefix wins first")
        table.replace(Route(destination: prefix, nextHop: IPv4Address("10.0.3.2"), interface: 3, kind: .rip, metric: 4))
        #expect(table.routes.filter { $0.kind == .rip && $0.destination == prefix }.count == 1, "replace keeps one RIP route")
        table.remove(destination: prefix, kind: .static)
        #expect(table.lookup(IPv4Address("10.3.0.9")!)?.nextHop == IPv4Address("10.0.3.2"))
        #expect(table.formatted(interfaceNames: ["eth0", "eth1", "eth2", "eth3"])
            .contains("10.3.0.0/24 via 10.0.3.2 dev eth3 proto rip metric 4"))
    }

    @Test func lookup_prefersARouteOutOfAnInterfaceThatIsUp() {
        var table = RoutingTable()
        let prefix = IPv4Prefix("10.0.12.0/24")!
        table.add(Route(destination: prefix, nextHop: nil, interface: 0, kind: .connected))
        table.replace(Route(destination: prefix, nextHop: IPv4Address("10.0.13.3"), interface: 1, kind: .rip, metric: 2))
        #expect(table.lookup(IPv4Address("10.0.12.2")!, preferring: { _ in true })?.interface == 0)
        #expect(table.lookup(IPv4Address("10.0.12.2")!, preferring: { $0 != 0 })?.interface == 1)
        #expect(table.lookup(IPv4Address("10.0.12.2")!, preferring: { _ in false })?.interface == 0, "none up: the best anyway")
    }

    /// Timers as `rawnet rip` and the daemon's `rip` command both read them: unset ones keep
    /// the RFC's proportions to `update`; a value that is no duration of 10ms or more, or
    /// timers out of order, is refused with the words the command line prints.
    @Test func timerTexts_readAsTheCommandLineAndTheDaemonBothTakeThem() throws {
        let one = try RIPConfiguration(timerTexts: ["update": "1s"])
        #expect(one == RIPConfiguration(update: .seconds(1), timeout: .seconds(6), garbage: .seconds(4)))
        #expect(try RIPConfiguration(timerTexts: [:]) == .standard)
        let all = try RIPConfiguration(timerTexts: ["update": "2s", "timeout": "9s", "garbage": "3s", "damping": "150ms"])
        #expect(all == RIPConfiguration(update: .seconds(2), timeout: .seconds(9), garbage: .seconds(3), damping: .milliseconds(150)))
        for (timers, message) in [
            (["update": "5"], "rip update must be a duration of 10ms or more, such as 2s, not '5'"),
            (["timeout": "5ms"], "rip timeout must be a duration of 10ms or more, such as 2s, not '5ms'"),
            (["update": "2s", "timeout": "1s"], "rip timeout must be longer, and damping shorter, than update"),
            (["update": "1s", "damping": "1s"], "rip timeout must be longer, and damping shorter, than update"),
        ] {
            #expect(throws: RIPTimerError(message)) { try RIPConfiguration(timerTexts: timers) }
        }
    }
}
