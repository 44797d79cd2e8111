import Foundation
import RawNetLab
import RawNetPlatform
import RawNetTestSupport
import Testing

/// Three switch daemons cabled in a triangle, running the spanning tree with
/// fast timers, and two hosts:
///
///     alice — sw2 ——— sw3 — bob
///               \     /
///                sw1 (priority 4096: the root)
@Suite(.serialized) struct SpanningTreeLabTests {
    static let stp = "stp: { hello: 500ms, max_age: 2s, forward_delay: 1s }"

    static func yaml(lab: String) -> String {
        """
        name: \(lab)
        nodes:
          alice: { kind: host, ip: 10.0.0.10/24 }
          bob:   { kind: host, ip: 10.0.0.20/24 }
          sw1: { kind: switch, ports: [p1, p2], stp: { priority: 4096, hello: 500ms, max_age: 2s, forward_delay: 1s } }
          sw2: { kind: switch, ports: [p1, p2, p3], \(stp) }
          sw3: { kind: switch, ports: [p1, p2, p3], \(stp) }
        links:
          - endpoints: [sw1:p1, sw2:p1]
          - endpoints: [sw1:p2, sw3:p1]
          - endpoints: [sw2:p2, sw3:p2]
          - endpoints: [alice:eth0, sw2:p3]
          - endpoints: [bob:eth0, sw3:p3]

        """
    }

    /// The lines `rawnet status` prints for `node`: its head line and one per interface.
    static func statusLines(_ runner: RawNetRunner, lab: String, node: String) throws -> [Substring] {
        let text = try runner.run(["status", "--lab", lab]).output
        var lines: [Substring] = [], current = ""
        for line in text.split(separator: "\n") {
            if !line.hasPrefix(" ") { current = String(line.split(separator: " ").first ?? "") }
            if current == node { lines.append(line) }
        }
        return lines
    }

    /// Frames every switch port has received so far (`rawnet status`'s "in N frames").
    static func switchFrames(_ runner: RawNetRunner, lab: String) throws -> Int {
        var total = 0
        for node in ["sw1", "sw2", "sw3"] {
            let lines = try statusLines(runner, lab: lab, node: node)
            #expect(lines.count > 2, "no status for \(node)")
            for line in lines {
                guard let range = line.range(of: " in ") else { continue }
                total += Int(line[range.upperBound...].prefix { $0.isNumber }) ?? 0
            }
        }
        return total
    }

    /// `rawnet stp` of each switch, until exactly one cabled port of the three blocks (or `timeout`).
    static func waitForOneBlockedPort(_ runner: RawNetRunner, lab: String, timeout: Double = 15) throws -> [String: String] {
        let deadline = Date().addingTimeInterval(timeout)
        var shown: [String: String] = [:]
        while Date() < deadline {
            for node in ["sw1", "sw2", "sw3"] { shown[node] = try runner.run(["stp", node, "--lab", lab]).output }
            let rows = shown.values.flatMap { $0.split(separator: "\n").dropFirst(3) }
            let blocked = rows.filter { $0.contains(" blocking ") }
            let settled = rows.allSatisfy { $0.contains(" blocking ") || $0.contains(" forwarding ") }
            if blocked.count == 1, settled { return shown }
            usleep(200_000)
        }
        throw TestFailure("the tree did not settle with one blocked port in \(timeout) s:\n\(shown.values.joined(separator: "\n"))")
    }

    /// Pings once every 0.3 s until a reply comes; the seconds it took.
    static func secondsUntilPingWorks(_ runner: RawNetRunner, lab: String, limit: Double) throws -> Double {
        let start = Date()
        while Date().timeIntervalSince(start) < limit {
            let ping = try runner.run(["ping", "alice", "10.0.0.20", "-c", "1", "-W", "0.3", "--lab", lab])
            if ping.output.contains("1 received") { return Date().timeIntervalSince(start) }
        }
        throw TestFailure("alice could not reach bob within \(limit) s")
    }

    @Test func aTriangleOfSwitchesBlocksOnePort_noStorm_andHealsAroundACutLink() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TsharkVerdict.tshark),
                     "tshark is missing: scripts/test installs it")
        let runner = try RawNetRunner()
        let lab = "stp\(Processes.currentPID)"
        let file = runner.base + "/lab.yaml"
        try Self.yaml(lab: lab).write(toFile: file, atomically: true, encoding: .utf8)
        defer { _ = try? runner.run(["down", "--lab", lab]) }
        let up = try runner.run(["up", file])
        try #require(up.status == 0, "rawnet up failed (a loop of switches running STP is accepted):\n\(up.output)")

        let tree = try Self.waitForOneBlockedPort(runner, lab: lab)
        #expect(tree["sw1"]?.contains("this bridge is the root") == true, "\(tree["sw1"] ?? "")")
        for node in ["sw2", "sw3"] {
            #expect(tree[node]?.contains("root 4096.") == true && tree[node]?.contains("cost 19 via p1") == true,
                    "\(tree[node] ?? "")")
        }
        let blocked = tree.values.flatMap { $0.split(separator: "\n") }.first { $0.contains(" blocking ") }!
        #expect(blocked.hasPrefix("p2 ") && blocked.contains(" alternate "), "\(blocked)")
        let status = try Self.statusLines(runner, lab: lab, node: "sw1")
        #expect(status.filter { $0.contains("stp designated forwarding") }.count == 2, "\(status)")

        let pcap = runner.base + "/stp.pcapng"
        let capture = try runner.start(["capture", "--every-interface", "-w", pcap, "--duration", "25", "--lab", lab],
                                       name: "capture")
        let trace = try runner.start(["trace", "sw2", "sw3", "--duration", "25", "--lab", lab], name: "trace")
        try runner.waitForOutput(capture.outputPath, containing: "Ctrl-C stops")
        try runner.waitForOutput(trace.outputPath, containing: "tracing")

        // Through the tree: alice's ARP broadcast and the pings cross it once, no storm.
        let before = try Self.switchFrames(runner, lab: lab)
        let ping = try runner.run(["ping", "alice", "10.0.0.20", "-c", "3", "-i", "0.2", "--lab", lab])
        #expect(ping.status == 0 && ping.output.contains("3 received"), "\(ping.output)")
        usleep(1_000_000)
        let during = try Self.switchFrames(runner, lab: lab) - before
        // Three hops each way for 2 ARP and 6 ICMP frames, plus BPDUs (2 a second on
        // each of about 6 designated ports) for the few seconds the commands take.
        #expect(during < 300, "\(during) frames crossed the switches: a loop is carrying them round")

        // The link from the root to sw3 is cut at sw3's end only; the carrier tells sw1.
        let cut = Date()
        #expect(try runner.run(["link", "sw3:p1", "down", "--lab", lab]).status == 0)
        // max age (2 s) cannot be needed: the carrier is lost at once; listening and learning take 2 × 1 s.
        let healed = try Self.secondsUntilPingWorks(runner, lab: lab, limit: 12)
        #expect(healed < 6, "reachability came back only after \(healed) s")
        let sw1 = try Self.statusLines(runner, lab: lab, node: "sw1")
        #expect(sw1.contains { $0.contains("p2 ") && $0.contains("NO-CARRIER") }, "sw1 did not see the carrier go:\n\(sw1)")
        #expect(sw1.contains { $0.contains("p2 ") && $0.contains("stp disabled disabled") }, "\(sw1)")
        let alone = try runner.run(["stp", "sw3", "--lab", lab]).output
        #expect(alone.contains("cost 38 via p2"), "\(alone)")
        _ = cut

        // The link back: one port blocks again and the way still works.
        #expect(try runner.run(["link", "sw3:p1", "up", "--lab", lab]).status == 0)
        _ = try Self.waitForOneBlockedPort(runner, lab: lab)
        #expect(try Self.secondsUntilPingWorks(runner, lab: lab, limit: 10) < 10)

        #expect(try runner.wait(capture.pid, timeout: 60) == 0)
        #expect(try runner.wait(trace.pid, timeout: 60) == 0)
        let traced = (try? String(contentsOfFile: trace.outputPath, encoding: .utf8)) ?? ""
        #expect(traced.contains("p1 carrier lost") || traced.contains("port p1 disabled"), "\(traced.suffix(3000))")
        #expect(traced.contains("blocking: alternate to root via port p1"), "\(traced.suffix(3000))")
        #expect(traced.contains("p2 forwarding"), "\(traced.suffix(3000))")
        #expect(traced.contains("topology change"), "\(traced.suffix(3000))")

        let verdict = try TsharkVerdict(file: pcap)
        #expect(verdict.malformed == 0 && verdict.badChecksums.isEmpty,
                "\(verdict.malformed) malformed, bad checksums in frames \(verdict.badChecksums)")
        let bpdus = try TsharkVerdict.fields(pcap, filter: "stp", fields: ["stp.type", "stp.root.prio", "_ws.malformed"])
        #expect(bpdus.count > 20, "\(bpdus.count) BPDUs")
        #expect(bpdus.allSatisfy { $0[2].isEmpty }, "a malformed BPDU")
        #expect(bpdus.contains { $0[0] == "0x00" && $0[1] == "4096" }, "no configuration BPDU from the root")
        #expect(bpdus.contains { $0[0] == "0x80" }, "no topology change notification")
    }
}
