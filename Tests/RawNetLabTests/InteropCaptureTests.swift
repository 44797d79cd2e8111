import Foundation
import RawNetLab
import RawNetPlatform
import RawNetSocket
import RawNetTestSupport
import RawNetWire
import Testing

/// The capture rows of the interop suite: what crossed the attached end, as
/// tshark reads it (see `InteropTests` for the lab).
extension InteropTests {
    /// TCP option kinds as tshark's `tcp.option_kind` lists them.
    enum OptionKind: Int, CaseIterable, Sendable { case mss = 2, windowScale = 3, sackPermitted = 4, timestamps = 8 }

    /// A SYN or SYN-ACK in a capture: its ports, its option kinds and MSS.
    struct Handshake {
        var sourcePort: Int, destinationPort: Int, isSYNACK: Bool, kinds: Set<Int>, mss: Int?
    }

    @Test func linuxOptionsNegotiatedKeepaliveAnsweredAndCaptureClean() async throws {
        try LinuxPeer.requireTool("tshark", package: "tshark")
        try await withInteropLab("io") { runner, runDirectory in
            let pcap = runner.base + "/linux.pcapng"
            let capture = try runner.start(["capture", "linux", "-w", pcap], name: "capture")
            try runner.waitForOutput(capture.outputPath, containing: "capturing")
            let source = try LinuxPeer.randomFile(runner, name: "small.bin", count: 100_000)

            // Linux's defaults: SACK, timestamps and window scaling on.
            try LinuxPeer.transferBothWays(runner, source: source, port: 9400, label: "options on")

            // Keepalive: Linux probes an idle connection every second; bob's host answers each.
            let bobHost = try await AsyncHostConnection(runDirectory: runDirectory, host: "bob", appName: "interop")
            let listener = try await AsyncTCPListener(bobHost, port: 9402)
            let server = Task {
                let stream = try await listener.accept()
                var received: [UInt8] = []
                while case let chunk = try await stream.read(), !chunk.isEmpty { received += chunk }
                try await stream.write("answer")
                await stream.close()
                return String(decoding: received, as: UTF8.self)
            }
            let idler = try LinuxPeer.startPython(runner, ["keepalive", "10.0.2.20", "9402", "4.5"], name: "keepalive")
            try runner.waitForOutput(idler.outputPath, containing: "idle")
            usleep(2_000_000)
            let timers = try Self.linux(runner, "ss", "-tnoH", "state", "established", "( dport = :9402 )")
            #expect(timers.output.contains("timer:(keepalive,"), "\(timers.output)")
            #expect(try runner.wait(idler.pid, timeout: 30) == 0, "\(LinuxPeer.output(idler.outputPath))")
            #expect(LinuxPeer.output(idler.outputPath).contains("answer b'answer'"), "\(LinuxPeer.output(idler.outputPath))")
            #expect(try await Self.within(10) { try await server.value } == "still here\n")
            await listener.close()
            await bobHost.close()

            // Linux with SACK, timestamps and window scaling switched off (per namespace).
            for setting in ["net.ipv4.tcp_sack=0", "net.ipv4.tcp_timestamps=0", "net.ipv4.tcp_window_scaling=0"] {
                let set = try Self.linux(runner, "sysctl", "-qw", setting)
                try #require(set.status == 0, "\(setting): \(set.output)")
            }
            try LinuxPeer.transferBothWays(runner, source: source, port: 9403, label: "options off")

            usleep(500_000)  // the last frames reach the capture
            try Processes.kill(capture.pid, signal: SignalNumber.interrupt)
            #expect(try runner.wait(capture.pid, timeout: 10) == 0, "\(LinuxPeer.output(capture.outputPath))")

            let verdict = try TsharkVerdict(file: pcap)
            #expect(verdict.packets > 100, "the capture holds \(verdict.packets) packets")
            #expect(verdict.malformed == 0)
            #expect(verdict.badChecksums.isEmpty, "bad checksums in frames \(verdict.badChecksums)")

            let handshakes = try Self.handshakes(in: pcap)
            let all = Set(OptionKind.allCases.map(\.rawValue)), mssOnly: Set<Int> = [OptionKind.mss.rawValue]
            // (port, SYN's options, SYN-ACK's options): Linux → bob at 9400 and 9403, bob → Linux at 9401 and 9404.
            let expected: [(Int, Set<Int>, Set<Int>)] = [(9400, all, all), (9401, all, all),
                                                          (9403, mssOnly, mssOnly), (9404, all, mssOnly)]
            for (port, synKinds, synACKKinds) in expected {
                let syn = handshakes.filter { $0.destinationPort == port && !$0.isSYNACK }
                let synACK = handshakes.filter { $0.sourcePort == port && $0.isSYNACK }
                #expect(syn.count == 1 && synACK.count == 1, "port \(port): \(syn.count) SYNs, \(synACK.count) SYN-ACKs")
                #expect(syn.first?.kinds == synKinds, "port \(port): SYN options \(syn.first?.kinds ?? [])")
                #expect(synACK.first?.kinds == synACKKinds, "port \(port): SYN-ACK options \(synACK.first?.kinds ?? [])")
                #expect(syn.first?.mss == 1460 && synACK.first?.mss == 1460, "port \(port): MSS")
            }

            // Linux's keepalive probes, as tshark's analysis names them, each answered by bob before
            // Linux's next probe (an ACK of nothing new; tshark calls the first a window update, the
            // window field being scaled from then on; the last may be the ACK of Linux's data).
            let segments = try TsharkVerdict.fields(pcap, filter: "tcp.port == 9402 && tcp.flags.syn == 0",
                                                    fields: ["tcp.srcport", "tcp.analysis.keep_alive"])
            var probes = 0, unanswered = 0, awaiting = false
            for segment in segments where segment.count == 2 {
                if segment[0] == "9402" {
                    awaiting = false
                } else if !segment[1].isEmpty {
                    if awaiting { unanswered += 1 }
                    awaiting = true
                    probes += 1
                }
            }
            if awaiting { unanswered += 1 }
            #expect(probes >= 2 && unanswered == 0, "\(probes) keepalive probes, \(unanswered) unanswered")
        }
    }

    /// The SYNs and SYN-ACKs tshark finds in `file`.
    static func handshakes(in file: String) throws -> [Handshake] {
        let lines = try TsharkVerdict.fields(file, filter: "tcp.flags.syn == 1", fields: [
            "tcp.srcport", "tcp.dstport", "tcp.flags.ack", "tcp.option_kind", "tcp.options.mss_val",
        ])
        return lines.compactMap { columns in
            guard columns.count == 5, let source = Int(columns[0]), let destination = Int(columns[1]) else { return nil }
            let kinds = Set(columns[3].split(separator: ",").compactMap { Int($0) }).subtracting([0, 1])  // EOL, NOP
            return Handshake(sourcePort: source, destinationPort: destination,
                             isSYNACK: columns[2] == "1" || columns[2] == "True", kinds: kinds, mss: Int(columns[4]))
        }
    }
}
