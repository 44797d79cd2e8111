import Foundation
import RawNetLab
import RawNetPlatform
import RawNetTestSupport
import Testing

/// `rawnet capture` on a real lab (alice — r1 — bob): by default a file per link, each a tap on
/// one cable; `--one-file` those points in one file; `--every-interface` each frame once per
/// interface it crossed.
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
        let split = runner.base + "/lab.pcapng"
        let (linkCapture, linkOutput) = try runner.start(
            ["capture", "--one-file", "-w", perLink, "--duration", "60", "--lab", lab], name: "capture-links")
        let (everyCapture, everyOutput) = try runner.start(
            ["capture", "--every-interface", "-w", every, "--duration", "60", "--lab", lab], name: "capture-every")
        let (splitCapture, splitOutput) = try runner.start(["capture", "-w", split, "--duration", "60", "--lab", lab],
                                                           name: "capture-split")
        let oneLink = runner.base + "/one-link.pcapng"
        let (linkTargetCapture, linkTargetOutput) = try runner.start(
            ["capture", "alice-r1", "-w", oneLink, "--duration", "60", "--lab", lab], name: "capture-link-target")
        for output in [linkOutput, everyOutput, splitOutput, linkTargetOutput] {
            try runner.waitForOutput(output, containing: "Ctrl-C stops")
        }

        try MTULabTests.sendOverTCP(runner, lab: lab, bytes: 100_000, port: 47011)
        usleep(500_000)  // the last frames reach every capture; then Ctrl-C ends each
        for capture in [linkCapture, everyCapture, splitCapture, linkTargetCapture] {
            #expect(try runner.interrupt(capture, settle: 0) == 0)
        }
        let linkText = (try? String(contentsOfFile: linkOutput, encoding: .utf8)) ?? ""
        let everyText = (try? String(contentsOfFile: everyOutput, encoding: .utf8)) ?? ""
        let splitText = (try? String(contentsOfFile: splitOutput, encoding: .utf8)) ?? ""
        #expect(linkText.contains("once per link"), "\(linkText)")
        #expect(everyText.contains("frame.interface_name"), "no reading hint:\n\(everyText)")
        // The default: a file per link beside the name given, each listed with its count.
        let files = ["r1:eth0": runner.base + "/lab.alice-r1.pcapng", "bob:eth0": runner.base + "/lab.r1-bob.pcapng"]
        for path in files.values { #expect(splitText.contains(path), "\(path) not named:\n\(splitText)") }
        #expect(!FileManager.default.fileExists(atPath: split), "no single file when the lab has two links")

        for pcap in [perLink, every] + files.values {
            let verdict = try TsharkVerdict(file: pcap)
            #expect(verdict.packets > 50)
            #expect(verdict.malformed == 0 && verdict.badChecksums.isEmpty,
                    "\(pcap): \(verdict.malformed) malformed, bad checksums in frames \(verdict.badChecksums)")
        }
        let port = "tcp.port == 47011"
        // --one-file: one point per link (r1:eth0 for alice–r1, bob:eth0 for r1–bob), and on each
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
        // A link named as the target: recorded at one end, each segment once (not once per end).
        #expect(try Self.countPerInterface(oneLink, filter: fromAlice) == ["r1:eth0": aliceSent])
        // --every-interface: each of those segments once per interface it crossed.
        let everyFromAlice = try Self.countPerInterface(every, filter: fromAlice)
        #expect(everyFromAlice == ["alice:eth0": aliceSent, "r1:eth0": aliceSent, "r1:eth1": aliceSent,
                                   "bob:eth0": aliceSent], "\(everyFromAlice)")

        let alarms = "tcp.analysis.retransmission || tcp.analysis.fast_retransmission || "
            + "tcp.analysis.spurious_retransmission || tcp.analysis.duplicate_ack || tcp.analysis.out_of_order"
        // The whole --every-interface file is what its hint is for: tshark takes its copies for resends.
        let everyAlarms = try TsharkVerdict.fields(every, options: Self.checksums, filter: alarms, fields: ["frame.number"])
        #expect(!everyAlarms.isEmpty, "the every-interface file should hold copies tshark flags")
        let wholeFileAlarms = try TsharkVerdict.fields(perLink, options: Self.checksums, filter: alarms, fields: ["frame.number"])
        print("tshark notes: --one-file \(wholeFileAlarms.count), every-interface file \(everyAlarms.count)")
        // Each default file is one tap on one cable: every segment alice sent, once, and no TCP alarm
        // beyond what a tap on alice's own cable end sees (on a loss-free run, a late ACK can still
        // make alice's TCP resend her tail segment: a real resend, on every cable, not a copy).
        let aliceAlone = runner.base + "/alice-alone.pcapng"
        let cut = Process()
        cut.executableURL = URL(fileURLWithPath: TsharkVerdict.tshark)
        cut.arguments = ["-r", every, "-Y", "frame.interface_name == \"alice:eth0\"", "-w", aliceAlone]
        cut.standardOutput = Pipe(); cut.standardError = Pipe()
        try cut.run(); cut.waitUntilExit()
        try #require(cut.terminationStatus == 0, "tshark could not cut alice:eth0 out")
        // Frames compared by what they are, not by tshark's wording, which depends on where the tap
        // sits: a resend the sender's tap calls a retransmission, a tap past the ACK's path may call spurious.
        let what = ["tcp.srcport", "tcp.flags.str", "tcp.seq_raw", "tcp.ack_raw", "tcp.len"]
        let atSender = try TsharkVerdict.fields(aliceAlone, options: Self.checksums, filter: alarms, fields: what)
        print("tshark notes at alice's own cable end: \(atSender.count)")
        for (place, path) in files {
            #expect(try Self.countPerInterface(path, filter: "frame").keys.sorted() == [place])
            let flagged = try TsharkVerdict.fields(path, options: Self.checksums, filter: alarms, fields: what)
            #expect(flagged.map { $0.joined(separator: " ") }.sorted() == atSender.map { $0.joined(separator: " ") }.sorted(),
                    "\(path) flags \(flagged), a tap at alice \(atSender)")
            #expect(try Self.countPerInterface(path, filter: fromAlice) == [place: aliceSent])
        }
    }
}
