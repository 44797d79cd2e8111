import Foundation
import RawNetLab
import RawNetPlatform
import RawNetTestSupport
import Testing

/// A link taken down at one end only: the far end loses its carrier as with a
/// real cable, so RIP on both sides reacts at once instead of waiting for
/// routes to time out. The RIP triangle with a host on every router:
///
///     alice — r1 ——— r2 — bob
///              \     /
///               r3 — carol
@Suite(.serialized) struct RIPCarrierLabTests {
    static let update: Double = 2, damping: Double = 0.2, timeout: Double = 12

    static func yaml(lab: String) -> String {
        let rip = "rip: { update: 2s, timeout: 12s, garbage: 8s, damping: 200ms }"
        return """
        name: \(lab)
        nodes:
          alice: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
          bob:   { kind: host, ip: 10.0.2.20/24, gateway: 10.0.2.1 }
          carol: { kind: host, ip: 10.0.3.30/24, gateway: 10.0.3.1 }
          r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.12.1/24, eth2: 10.0.13.1/24 }, \(rip) }
          r2: { kind: router, interfaces: { eth0: 10.0.2.1/24, eth1: 10.0.12.2/24, eth2: 10.0.23.2/24 }, \(rip) }
          r3: { kind: router, interfaces: { eth0: 10.0.13.3/24, eth1: 10.0.23.3/24, eth2: 10.0.3.1/24 }, \(rip) }
        links:
          - endpoints: [alice:eth0, r1:eth0]
          - endpoints: [bob:eth0, r2:eth0]
          - endpoints: [carol:eth0, r3:eth2]
          - endpoints: [r1:eth1, r2:eth1]
          - endpoints: [r1:eth2, r3:eth0]
          - endpoints: [r2:eth2, r3:eth1]

        """
    }

    /// Every host pings every other; the pairs that got no answer, each with what ping
    /// printed. Three echoes a pair, one a second: the first may wait on ARP at each hop,
    /// which a loaded machine can stretch past a second; a pair with no route answers none.
    static func unreachablePairs(_ runner: RawNetRunner, lab: String) throws -> [String] {
        let hosts = [("alice", "10.0.1.10"), ("bob", "10.0.2.20"), ("carol", "10.0.3.30")]
        var failed: [String] = []
        for (from, _) in hosts {
            for (to, address) in hosts where to != from {
                let ping = try runner.run(["ping", from, address, "-c", "3", "-W", "3", "--lab", lab])
                if ping.output.contains(" 0 received") || !ping.output.contains(" received") {
                    failed.append("\(from) → \(to):\n\(ping.output)")
                }
            }
        }
        return failed
    }

    /// Waits until every router has a RIP route to each host subnet it is not on.
    static func waitForEveryHostSubnet(_ runner: RawNetRunner, lab: String) throws {
        let subnets = ["r1": ["10.0.2.0/24", "10.0.3.0/24"], "r2": ["10.0.1.0/24", "10.0.3.0/24"],
                       "r3": ["10.0.1.0/24", "10.0.2.0/24"]]
        for (router, nets) in subnets.sorted(by: { $0.key < $1.key }) {
            for net in nets { _ = try RIPLabTests.waitForRoute(runner, lab: lab, node: router, [net + " via", "proto rip"]) }
        }
    }

    @Test func aOneSidedLinkDownTakesTheFarEndDownToo_RIPConvergesWithinAnUpdateNotATimeout() throws {
        let runner = try RawNetRunner()
        let lab = "ripc\(Processes.currentPID)"
        let file = runner.base + "/lab.yaml"
        try Self.yaml(lab: lab).write(toFile: file, atomically: true, encoding: .utf8)
        defer { _ = try? runner.run(["down", "--lab", lab]) }
        let up = try runner.run(["up", file])
        try #require(up.status == 0, "rawnet up failed:\n\(up.output)\(up.errors)")
        _ = try RIPLabTests.waitForRoute(runner, lab: lab, node: "r1", ["10.0.2.0/24 via 10.0.12.2 dev eth1 proto rip metric 2"])
        _ = try RIPLabTests.waitForRoute(runner, lab: lab, node: "r2", ["10.0.1.0/24 via 10.0.12.1 dev eth1 proto rip metric 2"])
        _ = try RIPLabTests.waitForRoute(runner, lab: lab, node: "r1", ["10.0.3.0/24 via 10.0.13.3"])
        try Self.waitForEveryHostSubnet(runner, lab: lab)
        #expect(try Self.unreachablePairs(runner, lab: lab) == [])

        let trace = try runner.start(["trace", "r1", "--duration", "20", "--lab", lab], name: "trace")
        try runner.waitForOutput(trace.outputPath, containing: "tracing")

        // Only r2's end goes down; r1 is told nothing by any command.
        let cut = Date()
        #expect(try runner.run(["link", "r2:eth1", "down", "--lab", lab]).status == 0)
        // The far end is down at once, as its status says.
        let status = try SpanningTreeLabTests.statusLines(runner, lab: lab, node: "r1")
        #expect(status.first { $0.contains("eth1") }?.contains("NO-CARRIER") == true, "\(status)")
        let own = try SpanningTreeLabTests.statusLines(runner, lab: lab, node: "r2")
        #expect(own.first { $0.contains("eth1") }?.contains("DOWN") == true, "\(own)")

        // Both sides poison their routes over the link at once (triggered updates) and take
        // the way through r3 at its next regular update: within update + damping, plus
        // scheduling slack, and well before the 12 s route timeout would have.
        _ = try RIPLabTests.waitForRoute(runner, lab: lab, node: "r1",
                                         ["10.0.2.0/24 via 10.0.13.3 dev eth2 proto rip metric 3"], timeout: Self.timeout)
        _ = try RIPLabTests.waitForRoute(runner, lab: lab, node: "r2",
                                         ["10.0.1.0/24 via 10.0.23.3 dev eth2 proto rip metric 3"], timeout: Self.timeout)
        let converged = Date().timeIntervalSince(cut)
        let bound = Self.update + Self.damping + 2.5
        #expect(converged < bound, "routes converged after \(converged) s, not within update + damping (+2.5 s slack) = \(bound) s")
        #expect(bound < Self.timeout)
        #expect(try Self.unreachablePairs(runner, lab: lab) == [])
        let routes = try runner.run(["routes", "r1", "--lab", lab]).output
        #expect(!routes.contains("via 10.0.12.2"), "\(routes)")

        // The end back up: the carrier returns at r1 and the direct way with it.
        #expect(try runner.run(["link", "r2:eth1", "up", "--lab", lab]).status == 0)
        _ = try RIPLabTests.waitForRoute(runner, lab: lab, node: "r1",
                                         ["10.0.2.0/24 via 10.0.12.2 dev eth1 proto rip metric 2"], timeout: Self.timeout)
        let back = try SpanningTreeLabTests.statusLines(runner, lab: lab, node: "r1")
        #expect(back.count > 3 && !back.contains { $0.contains("NO-CARRIER") }, "\(back)")
        #expect(try Self.unreachablePairs(runner, lab: lab) == [])

        #expect(try runner.wait(trace.pid, timeout: 60) == 0)
        let traced = (try? String(contentsOfFile: trace.outputPath, encoding: .utf8)) ?? ""
        #expect(traced.contains("eth1 carrier lost: r2:eth1 is down"), "\(traced.suffix(2000))")
        #expect(traced.contains("eth1 carrier back: r2:eth1 is up"), "\(traced.suffix(2000))")
    }

    /// A router whose daemon dies (SIGKILL, a machine switched off) takes its ends of the
    /// cables with it: its neighbours lose the carrier at once and RIP drops what only it
    /// reached, within an update instead of the 12 s route timeout; the others still talk.
    @Test func aRouterThatDies_takesItsCablesCarrierWithIt_RIPReactsWithinAnUpdate() throws {
        let runner = try RawNetRunner()
        let lab = "ripk\(Processes.currentPID)"
        let file = runner.base + "/lab.yaml"
        try Self.yaml(lab: lab).write(toFile: file, atomically: true, encoding: .utf8)
        defer { _ = try? runner.run(["down", "--lab", lab]) }
        let up = try runner.run(["up", file])
        try #require(up.status == 0, "rawnet up failed:\n\(up.output)\(up.errors)")
        try Self.waitForEveryHostSubnet(runner, lab: lab)
        // Converged on the direct ways (a subnet may first be learned through r3, the longer way).
        _ = try RIPLabTests.waitForRoute(runner, lab: lab, node: "r1", ["10.0.2.0/24 via 10.0.12.2 dev eth1 proto rip metric 2"])
        _ = try RIPLabTests.waitForRoute(runner, lab: lab, node: "r2", ["10.0.1.0/24 via 10.0.12.1 dev eth1 proto rip metric 2"])
        let r3 = try runner.run(["status", "r3", "--lab", lab]).output
        let words = r3.split(whereSeparator: \.isWhitespace)
        let pid = try #require(words.firstIndex(of: "pid").flatMap { Int32(words[$0 + 1]) }, "\(r3)")

        let killed = Date()
        try Processes.kill(pid, signal: SignalNumber.kill)
        for router in ["r1", "r2"] {
            var lines: [Substring] = []
            for _ in 0..<50 {
                lines = try SpanningTreeLabTests.statusLines(runner, lab: lab, node: router)
                if lines.first(where: { $0.contains("eth2") })?.contains("NO-CARRIER") == true { break }
                usleep(50_000)
            }
            #expect(lines.first { $0.contains("eth2") }?.contains("NO-CARRIER") == true, "\(router): \(lines)")
        }
        // carol's subnet was reachable only through r3: gone from r1 within an update, not a timeout.
        let deadline = Date().addingTimeInterval(Self.timeout)
        var routes = ""
        while Date() < deadline {
            routes = try runner.run(["routes", "r1", "--lab", lab]).output
            if !routes.contains("10.0.3.0/24 via") { break }
            usleep(100_000)
        }
        let gone = Date().timeIntervalSince(killed)
        #expect(!routes.contains("10.0.3.0/24 via"), "\(routes)")
        #expect(gone < Self.update + Self.damping + 2.5, "carol's route went after \(gone) s")
        let ping = try runner.run(["ping", "alice", "10.0.2.20", "-c", "2", "-i", "0.2", "--lab", lab])
        #expect(ping.status == 0, "alice still reaches bob through r1 — r2: \(ping.output)")
    }
}
