import Foundation
import RawNetContracts
import RawNetCore
import RawNetLab
import RawNetPlatform
import RawNetTestSupport
import Testing

/// Real daemons around a real switch daemon: alice, bob, carol and r1 on sw1, dave beyond r1.
@Suite(.serialized) struct SwitchLabTests {
    static func yaml(lab: String) throws -> String {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        let text = try String(contentsOfFile: parts.joined(separator: "/") + "/Config/switch.yaml", encoding: .utf8)
        return text.replacingOccurrences(of: "name: switch\n", with: "name: \(lab)\n")
    }

    static func perInterface(_ file: String, filter: String) throws -> [String: Int] {
        let rows = try TsharkVerdict.fields(file, filter: filter, fields: ["frame.interface_name"])
        return rows.reduce(into: [:]) { counts, row in counts[row.first ?? "", default: 0] += 1 }
    }

    @Test func oneARPRequestReachesEveryHost_oneAnswers_pingCrossesTheSwitchAndRouter() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TsharkVerdict.tshark),
                     "tshark is missing: scripts/test installs it")
        let runner = try RawNetRunner()
        let lab = "sw\(Processes.currentPID)"
        let file = runner.base + "/lab.yaml"
        try Self.yaml(lab: lab).write(toFile: file, atomically: true, encoding: .utf8)
        defer { _ = try? runner.run(["down", "--lab", lab]) }
        let up = try runner.run(["up", file])
        try #require(up.status == 0, "rawnet up failed:\n\(up.output)")
        let status = try runner.run(["status", "--lab", lab])
        #expect(status.output.contains("sw1"), "\(status.output)")

        let pcap = runner.base + "/lan.pcapng"
        let capture = try runner.start(["capture", "--every-interface", "-w", pcap, "--duration", "6", "--lab", lab],
                                       name: "capture")
        let trace = try runner.start(["trace", "sw1", "--duration", "6", "--lab", lab], name: "trace")
        try runner.waitForOutput(capture.outputPath, containing: "Ctrl-C stops")
        try runner.waitForOutput(trace.outputPath, containing: "tracing")

        let ping = try runner.run(["ping", "alice", "10.0.2.20", "-c", "3", "-i", "0.2", "--lab", lab])
        #expect(ping.status == 0 && ping.output.contains("3 received"), "\(ping.output)")
        let local = try runner.run(["ping", "bob", "10.0.1.12", "-c", "2", "-i", "0.2", "--lab", lab])
        #expect(local.status == 0 && local.output.contains("2 received"), "\(local.output)")

        let macs = try runner.run(["macs", "sw1", "--lab", lab])
        #expect(macs.status == 0)
        for (port, host) in [("p1", "alice"), ("p2", "bob"), ("p3", "carol")] {
            #expect(macs.output.contains("dev \(port) vlan 1 master sw1"), "\(host) not learned:\n\(macs.output)")
        }
        #expect(try runner.run(["arp", "sw1", "--lab", lab]).output.contains("is a switch"))

        #expect(try runner.wait(capture.pid, timeout: 30) == 0)
        #expect(try runner.wait(trace.pid, timeout: 30) == 0)
        let traced = (try? String(contentsOfFile: trace.outputPath, encoding: .utf8)) ?? ""
        #expect(traced.contains("learned "), "\(traced)")
        #expect(traced.contains("flooded to 3 ports"), "\(traced)")
        #expect(traced.contains("forwarded to port p1"), "\(traced)")

        let verdict = try TsharkVerdict(file: pcap)
        #expect(verdict.packets > 20)
        #expect(verdict.malformed == 0 && verdict.badChecksums.isEmpty,
                "\(verdict.malformed) malformed, bad checksums in frames \(verdict.badChecksums)")
        // alice's one request for her gateway: sent once, heard by every host and the router.
        let request = try Self.perInterface(pcap, filter: "arp.opcode == 1 && arp.src.proto_ipv4 == 10.0.1.10 && arp.dst.proto_ipv4 == 10.0.1.1")
        for point in ["alice:eth0", "bob:eth0", "carol:eth0", "r1:eth0"] {
            #expect(request[point] == 1, "\(point) saw \(request[point] ?? 0) copies: \(request)")
        }
        // One answer, from r1, switched only towards alice: bob and carol never see it.
        let answers = try Self.perInterface(pcap, filter: "arp.opcode == 2 && arp.dst.proto_ipv4 == 10.0.1.10")
        #expect(answers["r1:eth0"] == 1 && answers["alice:eth0"] == 1, "\(answers)")
        #expect(answers["bob:eth0"] == nil && answers["carol:eth0"] == nil, "\(answers)")
    }

    @Test func aPortGoingDownFlushesWhatItLearned() throws {
        let runner = try RawNetRunner()
        let lab = "swd\(Processes.currentPID)"
        let file = runner.base + "/lab.yaml"
        try Self.yaml(lab: lab).write(toFile: file, atomically: true, encoding: .utf8)
        defer { _ = try? runner.run(["down", "--lab", lab]) }
        try #require(try runner.run(["up", file]).status == 0)
        let ping = try runner.run(["ping", "alice", "10.0.1.11", "-c", "1", "--lab", lab])
        #expect(ping.output.contains("1 received"), "\(ping.output)")
        #expect(try runner.run(["macs", "sw1", "--lab", lab]).output.contains("dev p2 vlan 1"))
        #expect(try runner.run(["link", "sw1:p2", "down", "--lab", lab]).status == 0)
        let after = try runner.run(["macs", "sw1", "--lab", lab]).output
        #expect(!after.contains("dev p2 "), "\(after)")
        #expect(after.contains("dev p1 vlan 1"), "\(after)")
    }
}

/// VLANs on real daemons: alice (VLAN 10) reaches bob (VLAN 20) only through r1's subinterfaces.
@Suite(.serialized) struct VLANLabTests {
    static func yaml(lab: String) throws -> String {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        let text = try String(contentsOfFile: parts.joined(separator: "/") + "/Config/vlan.yaml", encoding: .utf8)
        return text.replacingOccurrences(of: "name: vlan\n", with: "name: \(lab)\n")
    }

    @Test func routerOnAStickRoutesBetweenVLANs_tsharkSeesTheTags() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TsharkVerdict.tshark),
                     "tshark is missing: scripts/test installs it")
        let runner = try RawNetRunner()
        let lab = "vl\(Processes.currentPID)"
        let file = runner.base + "/lab.yaml"
        try Self.yaml(lab: lab).write(toFile: file, atomically: true, encoding: .utf8)
        defer { _ = try? runner.run(["down", "--lab", lab]) }
        let up = try runner.run(["up", file])
        try #require(up.status == 0, "rawnet up failed:\n\(up.output)")

        let pcap = runner.base + "/vlan.pcapng"
        let capture = try runner.start(["capture", "--every-interface", "-w", pcap, "--duration", "5", "--lab", lab],
                                       name: "capture")
        try runner.waitForOutput(capture.outputPath, containing: "Ctrl-C stops")
        let ping = try runner.run(["ping", "alice", "10.0.20.20", "-c", "3", "-i", "0.2", "--lab", lab])
        #expect(ping.status == 0 && ping.output.contains("3 received"), "\(ping.output)")
        #expect(try runner.wait(capture.pid, timeout: 30) == 0)

        // The trunk's two ends agree: r1's eth0 counts every frame that crossed the cable, tagged,
        // as sw1:p4 does; its subinterfaces count the same frames untagged (4 bytes fewer each).
        func interfaces(_ node: String) throws -> [String: InterfaceCounters] {
            let client = try ControlClient(path: runner.base + "/rawnet/\(lab)/\(node).ctl")
            let status = try #require(try client.request(ControlRequest(command: "status")).result).decode(NodeStatus.self)
            return Dictionary(uniqueKeysWithValues: status.interfaces.map { ($0.name, $0.counters) })
        }
        let (r1, sw1) = (try interfaces("r1"), try interfaces("sw1"))
        let (parent, trunk) = (try #require(r1["eth0"]), try #require(sw1["p4"]))
        let subs = [try #require(r1["eth0.10"]), try #require(r1["eth0.20"])]
        #expect(parent.receivedFrames == trunk.sentFrames && parent.receivedBytes == trunk.sentBytes, "\(parent) vs \(trunk)")
        #expect(parent.sentFrames == trunk.receivedFrames && parent.sentBytes == trunk.receivedBytes, "\(parent) vs \(trunk)")
        #expect(parent.receivedFrames > 0 && parent.receivedFrames == subs.map(\.receivedFrames).reduce(0, +))
        #expect(parent.receivedBytes == subs.map { $0.receivedBytes + 4 * $0.receivedFrames }.reduce(0, +))
        #expect(parent.sentBytes == subs.map { $0.sentBytes + 4 * $0.sentFrames }.reduce(0, +))

        let macs = try runner.run(["macs", "sw1", "--lab", lab]).output
        #expect(macs.contains("dev p1 vlan 10 master sw1"), "\(macs)")
        #expect(macs.contains("dev p2 vlan 20 master sw1"), "\(macs)")
        #expect(macs.contains("dev p4 vlan 10 master sw1") && macs.contains("dev p4 vlan 20 master sw1"), "\(macs)")

        let verdict = try TsharkVerdict(file: pcap)
        #expect(verdict.packets > 10)
        #expect(verdict.malformed == 0 && verdict.badChecksums.isEmpty,
                "\(verdict.malformed) malformed, bad checksums in frames \(verdict.badChecksums)")
        // On the trunk every echo request and reply is tagged: VLAN 10 towards alice's side, 20 towards bob's.
        let tagged = try TsharkVerdict.fields(pcap, filter: "icmp && frame.interface_name == \"sw1:p4\"",
                                              fields: ["vlan.id", "ip.src", "ip.dst"])
        #expect(tagged.count >= 12, "\(tagged)")
        for row in tagged {
            let (vlan, source, destination) = (row[0], row[1], row[2])
            let expected = (source.hasPrefix("10.0.10.") || destination.hasPrefix("10.0.10.")) && vlan == "10"
                || (source.hasPrefix("10.0.20.") || destination.hasPrefix("10.0.20.")) && vlan == "20"
            #expect(expected, "\(row)")
        }
        // Access ports carry no tags; carol (VLAN 10) never sees bob's VLAN 20 frames.
        #expect(try TsharkVerdict.fields(pcap, filter: "vlan && frame.interface_name == \"alice:eth0\"", fields: ["frame.number"]).isEmpty)
        #expect(try TsharkVerdict.fields(pcap, filter: "frame.interface_name == \"carol:eth0\" && ip.addr == 10.0.20.20",
                                         fields: ["frame.number"]).isEmpty)
    }
}
