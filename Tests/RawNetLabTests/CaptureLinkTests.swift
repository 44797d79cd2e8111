import Foundation
import RawNetLab
import RawNetPlatform
import RawNetTestSupport
import Testing

/// `rawnet capture` on a real lab (alice — r1 — bob): by default one point per link, each
/// frame once per link; `--every-interface` each frame once per interface it crossed.
@Suite(.serialized) struct CaptureLinkTests {
    /// Frames of `file` matching `filter`, counted per pcapng interface name.
    static func countPerInterface(_ file: String, filter: String, options: [String] = []) throws -> [String: Int] {
        let rows = try TsharkVerdict.fields(file, options: options, filter: filter, fields: ["frame.interface_name"])
        return rows.reduce(into: [:]) { counts, row in counts[row.first ?? "", default: 0] += 1 }
    }

    static let checksums = ["-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"]

    @Test func defaultCaptureHoldsEachSegmentOncePerLink_everyInterfaceOncePerInterface() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TsharkVerdict.tshark),
                     "tshark is missing: scripts/test installs it")
        let runner = try RawNetRunner()
        let lab = "cap\(Processes.currentPID)"
        let file = runner.base + "/lab.yaml"
        try TopologyLoader.defaultLabYAML(named: lab).write(toFile: file, atomically: true, encoding: .utf8)
        defer { _ = try? runner.run(["down", "--lab", lab]) }
        let up = try runner.run(["up", file])
        try #require(up.status == 0, "rawnet up failed:\n\(up.output)")

        let perLink = runner.base + "/links.pcapng", every = runner.base + "/every.pcapng"
        let (linkCapture, linkOutput) = try runner.start(["capture", "-w", perLink, "--duration", "10", "--lab", lab],
                                                         name: "capture-links")
        let (everyCapture, everyOutput) = try runner.start(
            ["capture", "--every-interface", "-w", every, "--duration", "10", "--lab", lab], name: "capture-every")
        try runner.waitForOutput(linkOutput, containing: "Ctrl-C stops")
        try runner.waitForOutput(everyOutput, containing: "Ctrl-C stops")

        try MTULabTests.sendOverTCP(runner, lab: lab, bytes: 100_000, port: 47011)
        #expect(try runner.wait(linkCapture, timeout: 30) == 0)
        #expect(try runner.wait(everyCapture, timeout: 30) == 0)
        let linkText = (try? String(contentsOfFile: linkOutput, encoding: .utf8)) ?? ""
        let everyText = (try? String(contentsOfFile: everyOutput, encoding: .utf8)) ?? ""
        #expect(linkText.contains("once per link"), "\(linkText)")
        #expect(everyText.contains("frame.interface_name"), "no reading hint:\n\(everyText)")

        for pcap in [perLink, every] {
            let verdict = try TsharkVerdict(file: pcap)
            #expect(verdict.packets > 50)
            #expect(verdict.malformed == 0 && verdict.badChecksums.isEmpty,
                    "\(pcap): \(verdict.malformed) malformed, bad checksums in frames \(verdict.badChecksums)")
        }
        let port = "tcp.port == 47011"
        // Default: one point per link (r1:eth0 for alice–r1, bob:eth0 for r1–bob), and on each
        // link every segment alice sent exactly once — as many as left alice's interface.
        let links = try Self.countPerInterface(perLink, filter: port)
        #expect(Set(links.keys) == ["r1:eth0", "bob:eth0"], "\(links)")
        let everyCounts = try Self.countPerInterface(every, filter: port)
        #expect(Set(everyCounts.keys) == ["alice:eth0", "r1:eth0", "r1:eth1", "bob:eth0"], "\(everyCounts)")
        let fromAlice = "\(port) && ip.src == 10.0.1.10"
        let aliceSent = try Self.countPerInterface(every, filter: fromAlice)["alice:eth0"] ?? 0
        #expect(aliceSent > 70, "alice sent \(aliceSent) segments")
        let linkFromAlice = try Self.countPerInterface(perLink, filter: fromAlice)
        #expect(linkFromAlice == ["r1:eth0": aliceSent, "bob:eth0": aliceSent], "\(linkFromAlice) vs \(aliceSent)")
        // --every-interface: each of those segments once per interface it crossed.
        let everyFromAlice = try Self.countPerInterface(every, filter: fromAlice)
        #expect(everyFromAlice == ["alice:eth0": aliceSent, "r1:eth0": aliceSent, "r1:eth1": aliceSent,
                                   "bob:eth0": aliceSent], "\(everyFromAlice)")

        // Each link read alone (as the hint says) has no TCP alarm at all.
        let alarms = "tcp.analysis.retransmission || tcp.analysis.fast_retransmission || "
            + "tcp.analysis.spurious_retransmission || tcp.analysis.duplicate_ack || tcp.analysis.out_of_order"
        // The whole --every-interface file is what the hint is for: tshark takes its copies for resends.
        let everyAlarms = try TsharkVerdict.fields(every, options: Self.checksums, filter: alarms, fields: ["frame.number"])
        #expect(!everyAlarms.isEmpty, "the every-interface file should hold copies tshark flags")
        let wholeFileAlarms = try TsharkVerdict.fields(perLink, options: Self.checksums, filter: alarms, fields: ["frame.number"])
        print("tshark notes: per-link file as a whole \(wholeFileAlarms.count), every-interface file \(everyAlarms.count)")
        for link in ["r1:eth0", "bob:eth0"] {
            let alone = runner.base + "/\(link.replacingOccurrences(of: ":", with: "-")).pcapng"
            let split = Process()
            split.executableURL = URL(fileURLWithPath: TsharkVerdict.tshark)
            split.arguments = ["-r", perLink, "-Y", "frame.interface_name == \"\(link)\"", "-w", alone]
            split.standardOutput = Pipe(); split.standardError = Pipe()
            try split.run(); split.waitUntilExit()
            try #require(split.terminationStatus == 0, "tshark could not split \(link)")
            let flagged = try TsharkVerdict.fields(alone, options: Self.checksums, filter: alarms, fields: ["frame.number"])
            #expect(flagged.isEmpty, "\(link): tshark flags frames \(flagged.map { $0.first ?? "" })")
            let packets = try TsharkVerdict.fields(alone, filter: fromAlice, fields: ["frame.number"])
            #expect(packets.count == aliceSent)
        }
    }
}
