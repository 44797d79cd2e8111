import Foundation
import RawNetPlatform
import RawNetTestSupport
import Testing

/// Commands that name a node, on real daemons: `status` of the nodes named only, and a
/// node of the wrong kind for its command refused as a mistake on the command line (64),
/// saying the node's name once. The lab: alice — sw1 — r1 — bob, sw1 without a spanning tree.
@Suite(.serialized) struct NodeArgumentTests {
    static func yaml(lab: String) -> String {
        """
        name: \(lab)
        nodes:
          sw1: { kind: switch, ports: [p1, p2] }
          alice: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
          r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
          bob: { kind: host, ip: 10.0.2.20/24, gateway: 10.0.2.1 }
        links:
          - endpoints: [alice:eth0, sw1:p1]
          - endpoints: [r1:eth0, sw1:p2]
          - endpoints: [r1:eth1, bob:eth0]
        """
    }

    /// Starts the lab, runs `body` with the runner and the lab's name, and stops the lab.
    static func withLab(_ prefix: String, _ body: (RawNetRunner, String) throws -> Void) throws {
        let runner = try RawNetRunner()
        let lab = prefix + String(Processes.currentPID)
        let file = runner.base + "/lab.yaml"
        try yaml(lab: lab).write(toFile: file, atomically: true, encoding: .utf8)
        defer { _ = try? runner.run(["down", "--lab", lab]) }
        let up = try runner.run(["up", file])
        try #require(up.status == 0, "rawnet up failed:\n\(up.output)")
        try body(runner, lab)
    }

    /// The node names that begin lines of `status` (a node's head line starts at column 0).
    static func nodeLines(_ output: String) -> [String] {
        output.split(separator: "\n").dropFirst().filter { !$0.hasPrefix(" ") }.map { String($0.split(separator: " ")[0]) }
    }

    @Test func status_ofNamedNodes_showsOnlyThem_inTopologyOrder_andAnUnknownNodeIsAUsageMistake() throws {
        try Self.withLab("ns") { runner, lab in
            let all = try runner.run(["status", "--lab", lab])
            #expect(all.status == 0 && Self.nodeLines(all.output) == ["sw1", "alice", "r1", "bob"], "\(all.output)")

            let r1 = try runner.run(["status", "r1", "--lab", lab])
            #expect(r1.status == 0, "\(r1.output)")
            #expect(Self.nodeLines(r1.output) == ["r1"], "\(r1.output)")
            #expect(r1.output.contains("eth1   10.0.2.1/24") && !r1.output.contains("10.0.1.10"), "\(r1.output)")

            // Named in any order, once each: shown in the topology's order.
            let two = try runner.run(["status", "bob", "sw1", "bob", "--lab", lab])
            #expect(two.status == 0 && Self.nodeLines(two.output) == ["sw1", "bob"], "\(two.output)")

            // What the README shows after cutting a link at one end: the other end has no carrier.
            #expect(try runner.run(["link", "bob:eth0", "down", "--lab", lab]).status == 0)
            var carrier = ""
            for _ in 0..<50 {
                carrier = try runner.run(["status", "r1", "--lab", lab]).output
                if carrier.contains("NO-CARRIER") { break }
                usleep(100_000)
            }
            #expect(carrier.split(separator: "\n").contains { $0.contains("eth1") && $0.contains("NO-CARRIER") }, "\(carrier)")

            let unknown = try runner.run(["status", "r2", "--lab", lab])
            #expect(unknown.status == 64, "\(unknown.output)")
            #expect(unknown.output.contains("lab '\(lab)' has no node 'r2'; did you mean 'r1'? (nodes: sw1, alice, r1, bob)"),
                    "\(unknown.output)")
            #expect(!unknown.output.contains("lab '\(lab)' in "), "nothing shown before the mistake: \(unknown.output)")

            let help = try runner.run(["status", "--help"])
            #expect(help.output.contains("rawnet status [<node> ...]") && help.output.contains("<node>"), "\(help.output)")
        }
    }

    /// `up` lists a switch's ports by name alone (they have no address); `status --width 60`
    /// fits every line in 60 columns (MAC and mtu under name, address, state and peer; the
    /// counters under those) and counts one frame as "1 frame"; whole lines are as before.
    @Test func status_fitsANarrowWidth_andSwitchPortsHaveNoAddress() throws {
        let runner = try RawNetRunner()
        let lab = "nw" + String(Processes.currentPID)
        let file = runner.base + "/lab.yaml"
        try Self.yaml(lab: lab).write(toFile: file, atomically: true, encoding: .utf8)
        defer { _ = try? runner.run(["down", "--lab", lab]) }
        let up = try runner.run(["up", file])
        try #require(up.status == 0, "rawnet up failed:\n\(up.output)")
        #expect(up.output.split(separator: "\n").contains { $0.hasPrefix("  sw1 ") && $0.hasSuffix(" p1, p2") }, "\(up.output)")
        #expect(!up.output.contains("0.0.0.0"), "\(up.output)")

        // A directed broadcast ping: one frame out of alice, through sw1, into r1 (no ARP, no answer).
        _ = try runner.run(["ping", "alice", "10.0.1.255", "-c", "1", "-W", "0.5", "--lab", lab])
        let narrow = try runner.run(["status", "--width", "60", "--lab", lab])
        #expect(narrow.status == 0, "\(narrow.output)")
        let lines = narrow.output.split(separator: "\n")
        let over = lines.filter { $0.count > 60 }
        #expect(over.isEmpty, "lines over 60 columns:\n\(over.joined(separator: "\n"))")
        #expect(lines.contains { $0.hasPrefix("    eth0   10.0.1.10/24     up") && $0.hasSuffix("↔ sw1:p1") }, "\(narrow.output)")
        #expect(lines.contains { $0.hasPrefix("           02:") && $0.hasSuffix("mtu 1500") }, "\(narrow.output)")
        #expect(narrow.output.contains("in 0 frames/0 B, out 1 frame/98 B"), "alice: \(narrow.output)")
        #expect(narrow.output.contains("in 1 frame/98 B, out 0 frames/0 B"), "r1 and sw1:p1: \(narrow.output)")
        #expect(!narrow.output.contains(" 1 frames"), "\(narrow.output)")

        let whole = try runner.run(["status", "--width", "0", "--lab", lab])
        #expect(whole.output.split(separator: "\n").contains {
            $0.hasPrefix("    eth0   10.0.1.10/24     02:") && $0.contains("  up    mtu 1500  ↔ sw1:p1     in 0 frames/0 B, out 1 frame/98 B")
        }, "\(whole.output)")
    }

    @Test func aNodeOfTheWrongKind_isAUsageMistake_namedOnce() throws {
        try Self.withLab("nk") { runner, lab in
            let mistakes: [([String], String)] = [
                (["rip", "alice", "on"], "alice is a host: only routers run RIP (routers: r1)"),
                (["rip", "sw1", "off"], "sw1 is a switch: only routers run RIP (routers: r1)"),
                (["rip", "r1", "on", "--update", "5"], "rip update must be a duration of 10ms or more, such as 2s, not '5'"),
                (["macs", "r1"], "r1 is a router: only switches learn MAC addresses (switches: sw1)"),
                (["stp", "alice"], "alice is a host: only switches run a spanning tree"),
                (["stp", "sw1"], "sw1 runs no spanning tree: give it 'stp: on' in the topology"),
                (["routes", "sw1"], "sw1 is a switch: it has no IP layer, so no routes"),
                (["arp", "sw1"], "sw1 is a switch: it has no IP layer, so no ARP cache"),
                (["sockets", "r1"], "r1 is a router: only hosts run apps, so only hosts have sockets (hosts: alice, bob)"),
                (["link", "r1:eht1", "down"], "node 'r1' has no interface 'eht1'; did you mean 'eth1'? (has eth0, eth1)"),
                (["link", "r1-bbo", "down"], "no link 'r1-bbo'; did you mean 'r1-bob'?"),
            ]
            for (arguments, message) in mistakes {
                let run = try runner.run(arguments + ["--lab", lab])
                let command = (["rawnet"] + arguments).joined(separator: " ")
                #expect(run.status == 64, "\(command) exited \(run.status): \(run.output)")
                #expect(run.output.contains("Error: " + message), "\(command): \(run.output)")
                for node in ["alice", "sw1", "r1"] {
                    #expect(!run.output.contains("\(node): \(node)"), "\(command) doubles the name: \(run.output)")
                }
            }
            // The right kinds still work, and the refused commands changed nothing.
            let on = try runner.run(["rip", "r1", "on", "--update", "1s", "--lab", lab])
            #expect(on.status == 0 && on.output.contains("r1: rip on, update 1s"), "\(on.output)")
            let link = try runner.run(["status", "r1", "--lab", lab])
            #expect(!link.output.contains("DOWN"), "the refused link command took nothing down: \(link.output)")
            #expect(try runner.run(["macs", "sw1", "--lab", lab]).status == 0)
        }
    }
}
