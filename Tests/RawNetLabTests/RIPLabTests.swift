import Foundation
import RawNetLab
import RawNetPlatform
import RawNetTestSupport
import Testing

/// A triangle of routers running RIP with fast timers, real daemons over real
/// sockets. Routers are given only their connected networks:
///
///     alice — r1 ——— r2 — bob
///              \     /
///               r3
@Suite(.serialized) struct RIPLabTests {
    static func yaml(lab: String) -> String {
        let rip = "rip: { update: 1s, timeout: 6s, garbage: 4s, damping: 100ms }"
        return """
        name: \(lab)
        nodes:
          alice: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
          bob:   { kind: host, ip: 10.0.2.20/24, gateway: 10.0.2.1 }
          r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.12.1/24, eth2: 10.0.13.1/24 }, \(rip) }
          r2: { kind: router, interfaces: { eth0: 10.0.2.1/24, eth1: 10.0.12.2/24, eth2: 10.0.23.2/24 }, \(rip) }
          r3: { kind: router, interfaces: { eth0: 10.0.13.3/24, eth1: 10.0.23.3/24 }, routing: rip, \(rip) }
        links:
          - endpoints: [alice:eth0, r1:eth0]
          - endpoints: [bob:eth0, r2:eth0]
          - endpoints: [r1:eth1, r2:eth1]
          - endpoints: [r1:eth2, r3:eth0]
          - endpoints: [r2:eth2, r3:eth1]

        """
    }

    /// Polls `rawnet routes NODE` until a line holds every one of `words` (up to `timeout` seconds).
    static func waitForRoute(_ runner: RawNetRunner, lab: String, node: String, _ words: [String],
                             timeout: Double = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var text = ""
        while Date() < deadline {
            text = (try? runner.run(["routes", node, "--lab", lab]))?.output ?? ""
            if text.split(separator: "\n").contains(where: { line in words.allSatisfy { line.contains($0) } }) {
                return text
            }
            usleep(100_000)
        }
        throw TestFailure("\(node) has no route with \(words) after \(timeout) s:\n\(text)")
    }

    /// The hop addresses `rawnet traceroute` printed, in order.
    static func hops(_ runner: RawNetRunner, lab: String, from host: String, to address: String) throws -> [String] {
        let trace = try runner.run(["traceroute", host, address, "-q", "1", "--lab", lab], timeout: 60)
        #expect(trace.status == 0, "traceroute failed:\n\(trace.output)\(trace.errors)")
        return trace.output.split(separator: "\n").dropFirst().compactMap { line in
            line.split(separator: " ").first { $0.split(separator: ".").count == 4 }.map(String.init)
        }
    }

    @Test func routersLearnConvergeAroundAFailedLinkAndBack_TCPKeepsEveryLine() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TsharkVerdict.tshark),
                     "tshark is missing: scripts/test installs it")
        let runner = try RawNetRunner()
        let lab = "rip\(Processes.currentPID)"
        let file = runner.base + "/lab.yaml"
        try Self.yaml(lab: lab).write(toFile: file, atomically: true, encoding: .utf8)
        defer { _ = try? runner.run(["down", "--lab", lab]) }
        let pcap = runner.base + "/rip.pcapng"
        let up = try runner.run(["up", file])
        try #require(up.status == 0, "rawnet up failed:\n\(up.output)\(up.errors)")
        let (capture, captureOutput) = try runner.start(["capture", "--one-file", "-w", pcap, "--duration", "40",
                                                         "--lab", lab], name: "capture")
        try runner.waitForOutput(captureOutput, containing: "Ctrl-C stops")

        // Learned: bob's network two hops from r1, straight over r1–r2, shown as `ip route` would with an age.
        let routes = try Self.waitForRoute(runner, lab: lab, node: "r1",
                                           ["10.0.2.0/24 via 10.0.12.2 dev eth1 proto rip metric 2 age"])
        #expect(routes.contains("10.0.23.0/24"), "r1 learned the r2–r3 link too:\n\(routes)")
        let ping = try runner.run(["ping", "alice", "10.0.2.20", "-c", "2", "-i", "0.2", "--lab", lab])
        #expect(ping.status == 0 && ping.output.contains("2 received"), "\(ping.output)")
        #expect(try Self.hops(runner, lab: lab, from: "alice", to: "10.0.2.20") == ["10.0.1.1", "10.0.12.2", "10.0.2.20"])

        // A slow stream of numbered lines from alice to bob over TCP while the r1–r2 cable is cut.
        let received = runner.base + "/received.txt"
        let listener = try runner.startShell("'\(runner.executable)' nc bob -l 7100 --lab \(lab) > '\(received)'",
                                             name: "listen")
        try MTULabTests.waitForSocket(runner, host: "bob", netid: "tcp", port: 7100)
        let lines = 80
        let sender = try runner.startShell(
            "i=1; while [ $i -le \(lines) ]; do echo \"line $i\"; i=$((i+1)); sleep 0.05; done"
                + " | '\(runner.executable)' nc alice 10.0.2.20 7100 --lab \(lab)", name: "send")
        usleep(1_000_000)
        let cut = try runner.run(["link", "r1-r2", "down", "--lab", lab])
        #expect(cut.status == 0, "rawnet link r1-r2 down failed:\n\(cut.output)\(cut.errors)")
        let around = try Self.waitForRoute(runner, lab: lab, node: "r1",
                                           ["10.0.2.0/24 via 10.0.13.3 dev eth2 proto rip metric 3"], timeout: 10)
        #expect(!around.contains("via 10.0.12.2"), "a route still points at the cut link:\n\(around)")
        #expect(try runner.wait(sender, timeout: 60) == 0, "the sender did not finish")
        #expect(try runner.wait(listener, timeout: 60) == 0, "the listener did not end")
        let got = (try? String(contentsOfFile: received, encoding: .utf8)) ?? ""
        #expect(got == (1...lines).map { "line \($0)\n" }.joined(), "TCP lost or reordered lines:\n\(got)")
        #expect(try Self.hops(runner, lab: lab, from: "alice", to: "10.0.2.20")
                == ["10.0.1.1", "10.0.13.3", "10.0.23.2", "10.0.2.20"])
        #expect(try Self.hops(runner, lab: lab, from: "bob", to: "10.0.1.10")
                == ["10.0.2.1", "10.0.23.3", "10.0.13.1", "10.0.1.10"])

        // The cable back: the direct way again.
        let mend = try runner.run(["link", "r1-r2", "up", "--lab", lab])
        #expect(mend.status == 0, "\(mend.output)\(mend.errors)")
        _ = try Self.waitForRoute(runner, lab: lab, node: "r1",
                                  ["10.0.2.0/24 via 10.0.12.2 dev eth1 proto rip metric 2"], timeout: 10)
        _ = try Self.waitForRoute(runner, lab: lab, node: "r2",
                                  ["10.0.1.0/24 via 10.0.12.1 dev eth1 proto rip metric 2"], timeout: 10)
        #expect(try Self.hops(runner, lab: lab, from: "alice", to: "10.0.2.20") == ["10.0.1.1", "10.0.12.2", "10.0.2.20"])

        // One end only: r2 takes its r1 interface down; r1 loses the carrier with it
        // (RIPCarrierLabTests times how fast that converges).
        #expect(try runner.run(["link", "r2:eth1", "down", "--lab", lab]).status == 0)
        _ = try Self.waitForRoute(runner, lab: lab, node: "r1",
                                  ["10.0.2.0/24 via 10.0.13.3 dev eth2 proto rip metric 3"], timeout: 15)
        let again = try runner.run(["ping", "alice", "10.0.2.20", "-c", "2", "-i", "0.2", "--lab", lab])
        #expect(again.status == 0 && again.output.contains("2 received"), "\(again.output)")

        // RIP switched off and on while the lab runs; bad settings are refused, the router lives on.
        let off = try runner.run(["rip", "r1", "off", "--lab", lab])
        #expect(off.status == 0 && off.output.contains("r1: rip off"), "\(off.output)\(off.errors)")
        let routesOff = try runner.run(["routes", "r1", "--lab", lab]).output
        #expect(!routesOff.contains("proto rip"), "RIP routes left after rip off:\n\(routesOff)")
        let bad = try runner.run(["rip", "r1", "on", "--update", "soon", "--lab", lab])
        #expect(bad.status != 0 && bad.errors.contains("rip update must be a duration"), "\(bad.output)\(bad.errors)")
        #expect(try runner.run(["rip", "alice", "on", "--lab", lab]).status != 0, "a host took RIP")
        let on = try runner.run(["rip", "r1", "on", "--update", "1s", "--lab", lab])
        #expect(on.status == 0 && on.output.contains("r1: rip on, update 1s, timeout 6s, garbage 4s"), "\(on.output)\(on.errors)")
        _ = try Self.waitForRoute(runner, lab: lab, node: "r1", ["10.0.2.0/24 via 10.0.13.3 dev eth2 proto rip metric 3"])

        kill(capture, SIGINT)  // Ctrl-C: the capture we started ends and writes its file
        #expect(try runner.wait(capture, timeout: 30) == 0, "capture did not end cleanly")
        let verdict = try TsharkVerdict(file: pcap)
        #expect(verdict.malformed == 0 && verdict.badChecksums.isEmpty,
                "tshark: \(verdict.malformed) malformed, bad checksums in frames \(verdict.badChecksums)")
        let rip = try TsharkVerdict.fields(pcap, options: ["-o", "udp.check_checksum:TRUE"], filter: "rip",
                                           fields: ["rip.version", "rip.command", "ip.dst", "ip.ttl", "eth.dst",
                                                    "udp.checksum.status", "_ws.malformed"])
        #expect(rip.count > 20, "few RIP messages in the capture: \(rip.count)")
        #expect(rip.allSatisfy { $0[0] == "2" && $0[6].isEmpty && $0[5] != "0" }, "\(rip.prefix(5))")
        let multicast = rip.filter { $0[2] == "224.0.0.9" }
        #expect(!multicast.isEmpty && multicast.allSatisfy { $0[3] == "1" && $0[4] == "01:00:5e:00:00:09" },
                "\(multicast.prefix(5))")
        #expect(rip.contains { $0[1] == "1" } && rip.contains { $0[1] == "2" }, "requests and responses both seen")
        let poisoned = try TsharkVerdict.fields(pcap, filter: "rip.metric == 16", fields: ["frame.number"])
        #expect(!poisoned.isEmpty, "no poisoned route (metric 16) in the capture")
    }
}
