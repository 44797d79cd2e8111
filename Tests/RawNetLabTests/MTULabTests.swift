import Foundation
import RawNetLab
import RawNetPlatform
import RawNetTestSupport
import Testing

/// A lab of real daemons with a 1000-byte link in the middle: alice —1500— r1 —1000— bob.
@Suite(.serialized) struct MTULabTests {
    /// The default lab, its r1–bob link given an MTU of 1000.
    static func yaml(lab: String) -> String {
        TopologyLoader.defaultLabYAML(named: lab) + "    mtu: 1000\n"
    }

    /// tshark's values of `field` for the packets `filter` selects (reassembly on, as by default).
    static func tshark(_ file: String, filter: String, field: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TsharkVerdict.tshark)
        process.arguments = ["-r", file, "-n", "-Y", filter, "-T", "fields", "-e", field]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("tshark -Y '\(filter)' failed") }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Waits until `rawnet sockets HOST` lists a `netid` socket on `port` (the runner holds one lab).
    static func waitForSocket(_ runner: RawNetRunner, host: String, netid: String, port: Int) throws {
        for _ in 0..<200 {
            let lines = (try? runner.run(["sockets", host]))?.output.split(separator: "\n") ?? []
            if lines.contains(where: { $0.hasPrefix(netid) && $0.contains(":\(port) ") }) { return }
            usleep(50_000)
        }
        throw TestFailure("no \(netid) socket on \(host):\(port)")
    }

    /// `rawnet nc` carries `bytes` random bytes from alice to bob's `port`; expects them whole.
    static func sendOverTCP(_ runner: RawNetRunner, lab: String, bytes: Int, port: Int) throws {
        let data = Data((0..<bytes).map { _ in UInt8.random(in: 0...255) })
        let source = runner.base + "/data-\(port).bin", received = runner.base + "/received-\(port).bin"
        try data.write(to: URL(fileURLWithPath: source))
        let listener = try runner.startShell("'\(runner.executable)' nc bob -l \(port) --lab \(lab) > '\(received)'",
                                             name: "nc-listen")
        try waitForSocket(runner, host: "bob", netid: "tcp", port: port)
        let sent = try runner.runShell("'\(runner.executable)' nc alice 10.0.2.20 \(port) --lab \(lab) < '\(source)'",
                                       timeout: 60)
        #expect(sent == 0, "rawnet nc sender failed")
        #expect(try runner.wait(listener, timeout: 30) == 0, "rawnet nc -l did not end")
        #expect((try? Data(contentsOf: URL(fileURLWithPath: received))) == data, "TCP bytes differ")
    }

    @Test func tcpClampsItsSegmentsAfterFragmentationNeeded_bigUDPAndPingAreReassembled() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TsharkVerdict.tshark),
                     "tshark is missing: scripts/test installs it")
        let runner = try RawNetRunner()
        let lab = "mtu\(Processes.currentPID)"
        let file = runner.base + "/lab.yaml"
        try Self.yaml(lab: lab).write(toFile: file, atomically: true, encoding: .utf8)
        defer { _ = try? runner.run(["down", "--lab", lab]) }
        let up = try runner.run(["up", file])
        try #require(up.status == 0, "rawnet up failed:\n\(up.output)")
        let status = try runner.run(["status", "--lab", lab])
        #expect(status.output.contains("mtu 1000") && status.output.contains("mtu 1500"), "\(status.output)")

        let pcap = runner.base + "/mtu.pcapng"
        let (capture, captureOutput) = try runner.start(["capture", "--one-file", "-w", pcap, "--duration", "60", "--lab", lab],
                                                        name: "capture")
        try runner.waitForOutput(captureOutput, containing: "Ctrl-C stops")

        // TCP alice → bob: bob announces MSS 960 (his MTU 1000 less 40), but alice's segments carry
        // 12 bytes of timestamps too, so her first full ones (1012 bytes) die at r1 with DF set; r1's
        // "fragmentation needed" (next-hop MTU 1000) brings them down to 948. (Ports without a
        // tshark dissector: one that reassembles would call the re-cut retransmissions overlaps.)
        try Self.sendOverTCP(runner, lab: lab, bytes: 200_000, port: 47001)

        // A 3000-byte UDP datagram: alice fragments it for 1500, r1 again for 1000, bob reassembles.
        let datagram = Data((0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 13) })
        let udpSource = runner.base + "/datagram.bin", udpReceived = runner.base + "/udp-received.bin"
        try datagram.write(to: URL(fileURLWithPath: udpSource))
        let udpListener = try runner.startShell(
            "'\(runner.executable)' nc bob -l 47002 --udp --lab \(lab) < /dev/null > '\(udpReceived)'", name: "udp-listen")
        try Self.waitForSocket(runner, host: "bob", netid: "udp", port: 47002)
        let udpSent = try runner.runShell(
            "'\(runner.executable)' nc alice 10.0.2.20 47002 --udp --datagram-size 3000 --lab \(lab) < '\(udpSource)'",
            timeout: 30)
        #expect(udpSent == 0, "rawnet nc --udp sender failed")
        #expect(try runner.wait(udpListener, timeout: 30) == 0, "rawnet nc -l --udp did not end")
        #expect((try? Data(contentsOf: URL(fileURLWithPath: udpReceived))) == datagram, "UDP datagram differs")

        let ping = try runner.run(["ping", "alice", "10.0.2.20", "-s", "3000", "-c", "2", "-i", "0.2", "--lab", lab])
        #expect(ping.status == 0 && ping.output.contains("2 received"), "\(ping.output)")
        #expect(ping.output.contains("3008 bytes from 10.0.2.20"), "\(ping.output)")

        let after = try runner.run(["status", "--lab", lab])
        #expect(after.output.contains("fragmentation needed"), "r1 counted no DF drop:\n\(after.output)")
        #expect(try runner.interrupt(capture) == 0)

        let verdict = try TsharkVerdict(file: pcap)
        #expect(verdict.packets > 100)
        #expect(verdict.malformed == 0 && verdict.badChecksums.isEmpty,
                "tshark: \(verdict.malformed) malformed, bad checksums in frames \(verdict.badChecksums)")
        let lengths = try Self.tshark(pcap, filter: "ip.src == 10.0.1.10 && tcp.len > 0", field: "tcp.len")
            .compactMap { Int($0) }
        #expect(lengths.contains(960), "no segment of bob's MSS before the clamp")
        #expect(lengths.allSatisfy { $0 <= 960 }, "a segment larger than bob's MSS")
        #expect(lengths.contains(948), "no segment clamped to the path MTU 1000")
        let fragNeeded = try Self.tshark(pcap, filter: "icmp.type == 3 && icmp.code == 4", field: "icmp.mtu")
        #expect(!fragNeeded.isEmpty && fragNeeded.allSatisfy { $0 == "1000" }, "\(fragNeeded)")
        // tshark puts the fragments back together: whole 3000-byte UDP datagrams and 3008-byte ICMP messages.
        #expect(!(try Self.tshark(pcap, filter: "udp.length == 3008 && udp.dstport == 47002", field: "frame.number")).isEmpty)
        #expect(!(try Self.tshark(pcap, filter: "icmp.type == 0 && ip.reassembled.length == 3008",
                                  field: "frame.number")).isEmpty)
    }
}
